using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;

namespace OpenMailserver.Server.Storage;

/// <summary>Applies the numbered SQL scripts embedded from <c>Storage/Sqlite/Migrations</c>, each in its own
/// transaction together with its row in <c>schema_migrations</c>, so a crash mid-way leaves the schema at a
/// known version and the next start continues from there.</summary>
public sealed partial class Migrator(Database database, ILogger<Migrator> logger)
{
    public sealed record Migration(int Version, string Name, string Sql);

    public static IReadOnlyList<Migration> All { get; } = LoadEmbedded();

    /// <summary>Brings the schema up to <paramref name="targetVersion"/> (all migrations when null) and
    /// returns the version it is at.</summary>
    public async Task<int> MigrateAsync(int? targetVersion = null, CancellationToken cancellationToken = default)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            // journal_mode is a property of the file: set once, it holds for every later connection.
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
        }

        var current = 0;
        var anyApplied = false;
        foreach (var migration in All.Where(m => targetVersion is null || m.Version <= targetVersion))
        {
            var applied = await database.WriteAsync(async tx =>
            {
                var done = await tx.Connection!.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM schema_migrations WHERE version = @Version", new { migration.Version }, tx);
                if (done > 0) return false;
                await tx.Connection!.ExecuteAsync(migration.Sql, transaction: tx);
                await tx.Connection!.ExecuteAsync(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @Now)",
                    new { migration.Version, migration.Name, Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, tx);
                return true;
            }, cancellationToken);
            if (applied) logger.LogInformation("Applied database migration {Version} {Name}", migration.Version, migration.Name);
            anyApplied |= applied;
            current = migration.Version;
        }
        // A new schema gets statistics at once, so the planner does not guess from defaults until the first refresh.
        if (anyApplied) await database.WriteAsync(tx => tx.Connection!.ExecuteAsync(PlannerStatistics.Analyze, transaction: tx), cancellationToken);
        return current;
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = MigrationName().Match(resource);
            if (!match.Success) continue;
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            migrations.Add(new Migration(int.Parse(match.Groups[1].Value), match.Groups[2].Value, reader.ReadToEnd()));
        }
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        return migrations;
    }

    [GeneratedRegex(@"\.Migrations\.(\d{4})_(\w+)\.sql$")]
    private static partial Regex MigrationName();
}
