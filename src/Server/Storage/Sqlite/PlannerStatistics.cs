using Dapper;

namespace OpenMailserver.Server.Storage;

/// <summary>Keeps the statistics SQLite's query planner reads (<c>sqlite_stat1</c>) in step with the data: after
/// migrations, and every <see cref="Interval"/> with <c>PRAGMA optimize</c>, which analyses only the tables that
/// changed enough to matter. Each pass reads a bounded sample of every index (<c>analysis_limit</c>), so it takes
/// the writer for milliseconds at a million messages, not seconds. The hot statements' plans are asserted in
/// tests as well, so a plan cannot silently turn into a scan of the messages.</summary>
public sealed class PlannerStatistics(Database database, ILogger<PlannerStatistics> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Rows sampled per index: enough for the planner's choices, little enough to be quick.</summary>
    private const string Limit = "PRAGMA analysis_limit = 1000;";

    public const string Analyze = Limit + " ANALYZE;";
    public const string Optimize = Limit + " PRAGMA optimize;";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await database.WriteAsync(tx => tx.Connection!.ExecuteAsync(Optimize, transaction: tx), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Refreshing the query planner's statistics failed; the next pass tries again");
            }
        }
    }
}
