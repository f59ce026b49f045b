using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Hosting;

namespace OpenMailserver.Server.Storage;

/// <summary>Opens connections to the embedded SQLite database and runs write transactions. WAL lets
/// readers go on while one writer commits; <c>synchronous=FULL</c> makes a commit durable before it returns,
/// which is what lets us acknowledge mail right after it.</summary>
public sealed class Database
{
    public const string FileName = "openmailserver.db";

    private readonly string _connectionString;

    // SQLite admits one writer at a time and makes the others poll with sleeps; queueing writers here
    // instead hands the lock over the moment it is free, which keeps latency flat under concurrent load.
    private readonly SemaphoreSlim _writer = new(1, 1);

    public Database(IOptions<OpenMailserverOptions> options)
    {
        FilePath = System.IO.Path.Combine(options.Value.DataDirectory, FileName);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Also the busy timeout: Microsoft.Data.Sqlite retries a locked database until it runs out.
            DefaultTimeout = 30,
        }.ToString();
    }

    public string FilePath { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;");
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> in one transaction (BEGIN IMMEDIATE, so two writers queue
    /// instead of deadlocking on a lock upgrade) and commits it.</summary>
    public async Task<T> WriteAsync<T>(Func<DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    public Task WriteAsync(Func<DbTransaction, Task> work, CancellationToken cancellationToken = default) =>
        WriteAsync(async tx => { await work(tx); return true; }, cancellationToken);
}
