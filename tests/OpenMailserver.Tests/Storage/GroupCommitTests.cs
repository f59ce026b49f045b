extern alias ServerAssembly;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using ServerAssembly::OpenMailserver.Server.Configuration;
using ServerAssembly::OpenMailserver.Server.Storage;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Storage;

/// <summary>Writers that queue behind a commit share the next one, each in its own savepoint, against a real
/// SQLite file: what one of them does wrong is undone for it alone, and one that gave up never runs.</summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private readonly string _directory = TestPaths.NewTempDirectory();
    private readonly Database _database;

    public GroupCommitTests() => _database = new Database(Options.Create(new StorageOptions(_directory)));

    public Task InitializeAsync() => _database.WriteAsync(tx => tx.Connection!.ExecuteAsync("CREATE TABLE notes (name TEXT PRIMARY KEY)", transaction: tx));

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Writers_queued_behind_a_commit_share_the_next_transaction_and_return_once_it_is_durable()
    {
        var (holding, release) = await HoldTheWriterAsync();
        var b = _database.WriteAsync(tx => InsertAsync(tx, "b"));
        var c = _database.WriteAsync(async tx =>
        {
            var insideTheBatch = await CountAsync(tx, "b");
            var fromOutside = await CountOutsideAsync("b");
            await InsertAsync(tx, "c");
            return (insideTheBatch, fromOutside);
        });
        release.SetResult();
        await holding;
        await b;
        // c saw b's row before anyone else could: they ran in one transaction, committed together.
        Assert.Equal((1L, 0L), await c);
        Assert.Equal(1, await CountOutsideAsync("b"));
        Assert.Equal(1, await CountOutsideAsync("c"));
    }

    [Fact]
    public async Task A_write_that_fails_is_undone_alone_and_its_caller_gets_the_error()
    {
        var (holding, release) = await HoldTheWriterAsync();
        var failing = _database.WriteAsync(async tx =>
        {
            await InsertAsync(tx, "half-done");
            throw new InvalidOperationException("refused after writing");
#pragma warning disable CS0162
            return 0;
#pragma warning restore CS0162
        });
        var after = _database.WriteAsync(tx => InsertAsync(tx, "after"));
        release.SetResult();
        await holding;

        Assert.Equal("refused after writing", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        await after;
        Assert.Equal(0, await CountOutsideAsync("half-done"));
        Assert.Equal(1, await CountOutsideAsync("after"));
    }

    [Fact]
    public async Task A_writer_that_gives_up_before_its_turn_never_runs()
    {
        var (holding, release) = await HoldTheWriterAsync();
        using var giveUp = new CancellationTokenSource();
        var ran = false;
        var cancelled = _database.WriteAsync(async tx => { ran = true; return await InsertAsync(tx, "cancelled"); }, giveUp.Token);
        giveUp.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        release.SetResult();
        await holding;
        await _database.WriteAsync(tx => InsertAsync(tx, "next"));

        Assert.False(ran);
        Assert.Equal(0, await CountOutsideAsync("cancelled"));
        Assert.Equal(1, await CountOutsideAsync("next"));
    }

    /// <summary>A write in progress that holds the writer until released. A write started meanwhile is queued
    /// before its call returns its task.</summary>
    private async Task<(Task Holding, TaskCompletionSource Release)> HoldTheWriterAsync()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = _database.WriteAsync(async tx =>
        {
            await InsertAsync(tx, "holder");
            started.SetResult();
            await release.Task;
        });
        await started.Task;
        return (holding, release);
    }

    private static Task<int> InsertAsync(System.Data.Common.DbTransaction tx, string name) =>
        tx.Connection!.ExecuteAsync("INSERT INTO notes (name) VALUES (@name)", new { name }, tx);

    private static Task<long> CountAsync(System.Data.Common.DbTransaction tx, string name) =>
        tx.Connection!.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM notes WHERE name = @name", new { name }, tx);

    private async Task<long> CountOutsideAsync(string name)
    {
        await using var connection = new SqliteConnection($"Data Source={_database.FilePath}");
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM notes WHERE name = @name", new { name });
    }
}
