using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;

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
    // Whoever holds it commits every write queued so far.
    private readonly SemaphoreSlim _writer = new(1, 1);

    public Database(IOptions<StorageOptions> storage)
    {
        FilePath = System.IO.Path.Combine(storage.Value.DataDirectory, FileName);
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

    /// <summary>Runs <paramref name="work"/> in a transaction (BEGIN IMMEDIATE, so two writers queue instead
    /// of deadlocking on a lock upgrade) and returns once it is committed. Writers that arrive while another
    /// batch commits are run together in the next transaction, each inside its own savepoint, and share one
    /// commit (group commit): one fsync of the WAL for many writes. A work that throws is rolled back to its
    /// savepoint, alone, and its caller gets the exception.</summary>
    public async Task<T> WriteAsync<T>(Func<DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        var write = new PendingWrite(async tx => await work(tx), cancellationToken);
        lock (_queue) _queue.Add(write);
        try
        {
            await _writer.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (write.TryCancel())
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            // Already taken into a batch: its outcome is decided there.
            return (T)(await write.Result)!;
        }
        try
        {
            if (!write.Result.IsCompleted) await CommitBatchAsync();
        }
        finally
        {
            _writer.Release();
        }
        return (T)(await write.Result)!;
    }

    /// <summary>Everything queued, in one transaction. Runs under <see cref="_writer"/>.</summary>
    private async Task CommitBatchAsync()
    {
        List<PendingWrite> batch;
        lock (_queue)
        {
            batch = _queue.Where(w => w.TryStart()).ToList();
            _queue.Clear();
        }
        if (batch.Count == 0) return;
        var done = new List<(PendingWrite Write, object? Result)>();
        try
        {
            await using var connection = await OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            foreach (var write in batch)
            {
                await transaction.SaveAsync("w");
                try
                {
                    done.Add((write, await write.Work(transaction)));
                    await transaction.ReleaseAsync("w");
                }
                catch (Exception e)
                {
                    await transaction.RollbackAsync("w");
                    await transaction.ReleaseAsync("w");
                    write.Fail(e);
                }
            }
            await transaction.CommitAsync();
        }
        catch (Exception e)
        {
            // Nothing of the batch is on disk: every write that had not failed on its own fails with this.
            foreach (var write in batch) write.Fail(e);
            return;
        }
        foreach (var (write, result) in done) write.Complete(result);
    }

    private readonly List<PendingWrite> _queue = [];

    /// <summary>One caller's work, waiting for a batch: pending, then taken into a batch or cancelled.</summary>
    private sealed class PendingWrite(Func<DbTransaction, Task<object?>> work, CancellationToken cancellationToken)
    {
        private readonly TaskCompletionSource<object?> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state; // 0 pending, 1 taken, 2 cancelled

        public Func<DbTransaction, Task<object?>> Work { get; } = work;
        public Task<object?> Result => _result.Task;

        /// <summary>Takes the write into a batch, unless its caller gave up first. One cancelled before any batch
        /// took it never runs.</summary>
        public bool TryStart()
        {
            if (cancellationToken.IsCancellationRequested && TryCancel())
            {
                _result.TrySetCanceled(cancellationToken);
                return false;
            }
            return Interlocked.CompareExchange(ref _state, 1, 0) == 0;
        }

        public bool TryCancel() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;
        public void Complete(object? result) => _result.TrySetResult(result);
        public void Fail(Exception e) => _result.TrySetException(e);
    }

    /// <summary>Proves the database takes writes now (the health check): one small row, committed.</summary>
    public Task ProbeWriteAsync(DateTimeOffset now) => WriteAsync(tx => tx.Connection!.ExecuteAsync(
        "INSERT INTO server_state (key, value) VALUES ('health_probe', @now) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        new { now = now.ToString("O") }, tx));

    public Task WriteAsync(Func<DbTransaction, Task> work, CancellationToken cancellationToken = default) =>
        WriteAsync(async tx => { await work(tx); return true; }, cancellationToken);
}
