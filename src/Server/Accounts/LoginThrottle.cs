using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Net;

namespace OpenMailserver.Server.Accounts;

/// <summary>Brute-force protection for every login path. Failed logins are counted per address and per
/// client IP; each failure slows the next answer a little more, and past the configured count the address
/// (or IP) is locked for <c>Security:LockoutPeriod</c>, even for the right password. State is in memory:
/// a restart forgets it, which costs an attacker a restart of ours, not a bypass.</summary>
public sealed class LoginThrottle(IOptions<SecurityOptions> options, TimeProvider time, Telemetry.MailMetrics metrics, ILogger<LoginThrottle> logger)
{
    private static readonly TimeSpan DelayStep = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);
    private const int MaxTracked = 10_000;

    private sealed record Entry(int Failures, DateTimeOffset LastFailure, DateTimeOffset? LockedUntil);

    public sealed record Lockout(string Kind, string Key, DateTimeOffset Until);

    private readonly ConcurrentDictionary<string, Entry> _entries = new();

    private SecurityOptions Settings => options.Value;

    /// <summary>When the address or IP is locked, until when; otherwise null.</summary>
    public DateTimeOffset? LockedUntil(string address, IPAddress? ip)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? until = null;
        foreach (var key in Keys(address, ip))
            if (_entries.TryGetValue(key, out var entry) && entry.LockedUntil > now && (until is null || entry.LockedUntil > until))
                until = entry.LockedUntil;
        return until;
    }

    /// <summary>Counts a failure and returns how long to wait before answering it.</summary>
    public TimeSpan RecordFailure(string address, IPAddress? ip)
    {
        metrics.FailedLogin();
        var now = time.GetUtcNow();
        if (_entries.Count > MaxTracked) Prune(now);
        var worst = 0;
        foreach (var key in Keys(address, ip))
        {
            // Past the bound (failures from very many places within one lockout period) nothing new is
            // tracked, so memory stays bounded; what is already counted keeps counting.
            if (_entries.Count > MaxTracked && !_entries.ContainsKey(key)) continue;
            var limit = key.StartsWith("ip:", StringComparison.Ordinal) ? Settings.MaxFailedLoginsPerIp : Settings.MaxFailedLoginsPerAddress;
            var entry = _entries.AddOrUpdate(key,
                _ => new Entry(1, now, limit <= 1 ? now + Settings.LockoutPeriod : null),
                (_, old) =>
                {
                    var failures = now - old.LastFailure > Settings.LockoutPeriod ? 1 : old.Failures + 1;
                    return new Entry(failures, now, failures >= limit ? now + Settings.LockoutPeriod : old.LockedUntil);
                });
            if (entry.LockedUntil == now + Settings.LockoutPeriod && entry.Failures == limit)
                logger.LogWarning("Locked logins for {Key} until {Until:u} after {Failures} failures", key, entry.LockedUntil, entry.Failures);
            worst = Math.Max(worst, entry.Failures);
        }
        return TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, DelayStep.Ticks * worst));
    }

    /// <summary>A good login clears the address's count (not the IP's: one good account must not launder
    /// guesses at others from the same place).</summary>
    public void RecordSuccess(string address) => _entries.TryRemove(AddressKey(address), out _);

    public IReadOnlyList<Lockout> ActiveLockouts()
    {
        var now = time.GetUtcNow();
        return _entries.Where(e => e.Value.LockedUntil > now)
            .Select(e => new Lockout(e.Key[..e.Key.IndexOf(':')], e.Key[(e.Key.IndexOf(':') + 1)..], e.Value.LockedUntil!.Value))
            .OrderBy(l => l.Key).ToList();
    }

    /// <summary>The mailbox a login name means, however it is spelled (case, angle brackets, a trailing dot):
    /// every spelling of one mailbox shares one count and one lock.</summary>
    public static string AddressKey(string address) =>
        "address:" + (EmailAddress.TryParse(address, out var parsed) ? parsed.ToString() : address.Trim().ToLowerInvariant());

    /// <summary>The name's count (only for a name that is an address at all: anything else can never log
    /// in, and counting it would only let garbage names fill the table) and the client's, an IPv6 client by
    /// its /64 as the connection limits count it, so rotating addresses within one network does not help.</summary>
    private static IEnumerable<string> Keys(string address, IPAddress? ip)
    {
        if (EmailAddress.TryParse(address, out _)) yield return AddressKey(address);
        if (ip is not null) yield return "ip:" + ConnectionsPerAddress.Key(ip);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
            if (now - entry.LastFailure > Settings.LockoutPeriod && !(entry.LockedUntil > now)) _entries.TryRemove(key, out _);
    }
}
