using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Delivery.Outbound;
using OpenMailserver.Server.Delivery;
using OpenMailserver.Server.Net;
using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Telemetry;

namespace OpenMailserver.Server.Operations;

/// <summary>Real checks of what the server depends on: the database takes a write, the data directory
/// takes a file and has room, the listeners are bound, the delivery worker is alive and the queue is not
/// stuck, the certificate is valid.</summary>
public sealed class HealthService(
    Database database, IOutboundRepository outbound, ListenerRegistry listeners, LoginThrottle logins, OutboundWorker worker,
    TlsCertificateProvider certificates, IOptions<StorageOptions> storage, TimeProvider time)
{
    /// <summary>The worker goes round at least every 5 seconds; a minute and a half without a round means it is stuck.</summary>
    private static readonly TimeSpan WorkerSilence = TimeSpan.FromSeconds(90);

    private const long LowDiskBytes = 1L << 30;

    public async Task<IReadOnlyList<HealthCheckResult>> RunAsync()
    {
        return
        [
            await DatabaseAsync(),
            DataDirectory(),
            Listeners(),
            Worker(),
            await QueueAsync(),
            Certificate(),
            Logins(),
        ];
    }

    /// <summary>The worst status of <paramref name="checks"/> as <c>ok</c>, <c>warn</c> or <c>error</c>.</summary>
    public static string Overall(IEnumerable<HealthCheckResult> checks)
    {
        var statuses = checks.Select(c => c.Status).ToList();
        return statuses.Contains(HealthCheckResult.Fail) ? "error" : statuses.Contains(HealthCheckResult.Warn) ? "warn" : "ok";
    }

    private async Task<HealthCheckResult> DatabaseAsync()
    {
        try
        {
            await database.ProbeWriteAsync(time.GetUtcNow());
            return new("database", HealthCheckResult.Pass, $"SQLite at {database.FilePath} accepts writes.");
        }
        catch (Exception e)
        {
            return new("database", HealthCheckResult.Fail, $"The database at {database.FilePath} refused a write: {e.Message}. Check the disk and the file's permissions.");
        }
    }

    private HealthCheckResult DataDirectory()
    {
        var directory = storage.Value.DataDirectory;
        try
        {
            var probe = Path.Combine(directory, ".health-probe");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            var free = new DriveInfo(directory).AvailableFreeSpace;
            return free < LowDiskBytes
                ? new("data_directory", HealthCheckResult.Warn, $"{directory} has only {free / (1 << 20)} MiB free; free space or move DataDirectory before mail is refused.")
                : new("data_directory", HealthCheckResult.Pass, $"{directory} is writable with {free / (1 << 30)} GiB free.");
        }
        catch (Exception e)
        {
            return new("data_directory", HealthCheckResult.Fail, $"{directory} is not writable: {e.Message}.");
        }
    }

    private HealthCheckResult Listeners()
    {
        var bound = listeners.Snapshot();
        return bound.Count == 0
            ? new("listeners", HealthCheckResult.Pass, "No network listeners in this host (in-process).")
            : new("listeners", HealthCheckResult.Pass, string.Join(", ", bound.Select(b => $"{b.Key} on {b.Value}")));
    }

    private HealthCheckResult Logins()
    {
        var locked = logins.ActiveLockouts();
        return locked.Count == 0
            ? new("logins", HealthCheckResult.Pass, "No address or client IP is locked out.")
            : new("logins", HealthCheckResult.Warn,
                $"Locked after repeated failed logins: {string.Join(", ", locked.Select(l => $"{l.Kind} {l.Key} until {l.Until:HH:mm} UTC"))}. " +
                "A lock ends by itself after Security:LockoutPeriod; many locks from one IP suggest password guessing.");
    }

    private HealthCheckResult Worker()
    {
        var silence = time.GetUtcNow() - worker.LastActivity;
        return silence > WorkerSilence
            ? new("delivery_worker", HealthCheckResult.Fail, $"The delivery worker has not run for {(int)silence.TotalSeconds} seconds; see the log, and restart the server.")
            : new("delivery_worker", HealthCheckResult.Pass, $"Last ran {(int)silence.TotalSeconds} seconds ago.");
    }

    private HealthCheckResult Certificate()
    {
        try
        {
            var certificate = certificates.Current;
            var left = certificate.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime;
            var source = certificates.IsConfigured ? certificates.Source : "self-signed";
            if (left <= TimeSpan.Zero) return new("certificate", HealthCheckResult.Fail, $"The certificate ({source}) expired on {certificate.NotAfter:yyyy-MM-dd}; renew it.");
            return left < TimeSpan.FromDays(14)
                ? new("certificate", HealthCheckResult.Warn, $"The certificate ({source}) expires in {(int)left.TotalDays} day(s); renew it.")
                : new("certificate", HealthCheckResult.Pass, $"The certificate ({source}) is valid for {(int)left.TotalDays} more days.");
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or InvalidOperationException)
        {
            return new("certificate", HealthCheckResult.Fail, $"The certificate cannot be loaded: {e.Message}");
        }
    }

    private async Task<HealthCheckResult> QueueAsync()
    {
        var (count, oldest) = await outbound.BacklogAsync();
        if (count == 0) return new("queue", HealthCheckResult.Pass, "No message is waiting for delivery.");
        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(oldest!.Value);
        var text = $"{count} message(s) waiting; the oldest for {(int)age.TotalMinutes} minute(s).";
        return age > TimeSpan.FromHours(1)
            ? new("queue", HealthCheckResult.Warn, text + " See GET /v1/queue and each message's trace for the reason.")
            : new("queue", HealthCheckResult.Pass, text);
    }
}
