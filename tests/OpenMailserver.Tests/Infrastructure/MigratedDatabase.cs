extern alias ServerAssembly;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ServerAssembly::OpenMailserver.Server.Configuration;
using ServerAssembly::OpenMailserver.Server.Storage;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>A real SQLite database file with every migration applied, in a directory of its own that goes
/// with it: for tests of the store's statements without a server around them.</summary>
public sealed class MigratedDatabase : IAsyncDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory();

    private MigratedDatabase() => Database = new Database(Options.Create(new StorageOptions(_directory)));

    public Database Database { get; }

    public static async Task<MigratedDatabase> CreateAsync()
    {
        var created = new MigratedDatabase();
        await new Migrator(created.Database, NullLogger<Migrator>.Instance).MigrateAsync();
        return created;
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
