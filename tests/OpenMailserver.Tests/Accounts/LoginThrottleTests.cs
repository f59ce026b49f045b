extern alias ServerAssembly;
using System.Net;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ServerAssembly::OpenMailserver.Server.Accounts;
using ServerAssembly::OpenMailserver.Server.Configuration;
using ServerAssembly::OpenMailserver.Server.Operations;
using ServerAssembly::OpenMailserver.Server.Telemetry;

namespace OpenMailserver.Tests.Accounts;

public sealed class LoginThrottleTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static (LoginThrottle Throttle, ManualClock Clock) Create(int perAddress = 3, int perIp = 5)
    {
        var clock = new ManualClock();
        var options = Options.Create(new SecurityOptions { MaxFailedLoginsPerAddress = perAddress, MaxFailedLoginsPerIp = perIp, LockoutPeriod = TimeSpan.FromMinutes(10) });
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return (new LoginThrottle(options, clock, new MailMetrics(meters), NullLogger<LoginThrottle>.Instance), clock);
    }

    [Fact]
    public void An_ipv6_client_is_counted_by_its_network_and_names_that_are_no_address_are_not_tracked()
    {
        var (throttle, _) = Create(perAddress: 100, perIp: 5);
        // Five guesses from five addresses of one /64 lock the whole /64, not one address of it.
        for (var i = 1; i <= 5; i++) throttle.RecordFailure($"user{i}@example.test", IPAddress.Parse($"2001:db8:1:2::{i}"));
        Assert.NotNull(throttle.LockedUntil("someone@example.test", IPAddress.Parse("2001:db8:1:2::99")));
        Assert.Null(throttle.LockedUntil("someone@example.test", IPAddress.Parse("2001:db8:1:3::1")));

        // Garbage names count against the client, never as names of their own.
        var (garbage, _) = Create(perAddress: 1, perIp: 1000);
        for (var i = 0; i < 50; i++) garbage.RecordFailure(new string('x', 1000) + i, IPAddress.Loopback);
        Assert.DoesNotContain(garbage.ActiveLockouts(), l => l.Kind == "address");
    }

    [Fact]
    public void Each_failure_waits_longer_up_to_a_cap()
    {
        var (throttle, _) = Create(perAddress: 100, perIp: 100);
        var delays = Enumerable.Range(0, 12).Select(_ => throttle.RecordFailure("a@example.test", IPAddress.Loopback)).ToList();
        Assert.Equal(TimeSpan.FromMilliseconds(250), delays[0]);
        Assert.Equal(TimeSpan.FromMilliseconds(500), delays[1]);
        Assert.True(delays.Zip(delays.Skip(1)).All(p => p.Second >= p.First));
        Assert.Equal(TimeSpan.FromSeconds(2), delays[^1]);
    }

    [Fact]
    public void An_address_is_locked_after_its_limit_and_freed_after_the_period()
    {
        var (throttle, clock) = Create();
        var ip = IPAddress.Parse("192.0.2.7");
        for (var i = 0; i < 3; i++) throttle.RecordFailure("Victim@Example.test", ip);
        Assert.Equal(clock.Now.AddMinutes(10), throttle.LockedUntil("victim@example.test", IPAddress.Parse("198.51.100.1")));
        Assert.Contains(throttle.ActiveLockouts(), l => l.Kind == "address" && l.Key == "victim@example.test");

        clock.Now = clock.Now.AddMinutes(10).AddSeconds(1);
        Assert.Null(throttle.LockedUntil("victim@example.test", ip));
        Assert.Empty(throttle.ActiveLockouts());
    }

    [Fact]
    public void Every_spelling_of_an_address_counts_against_the_one_mailbox()
    {
        var (throttle, clock) = Create(perAddress: 3, perIp: 100);
        var ip = IPAddress.Parse("192.0.2.9");
        foreach (var spelling in new[] { "<victim@example.test>", "Victim@Example.Test.", " victim@example.test " })
            throttle.RecordFailure(spelling, ip);
        foreach (var spelling in new[] { "victim@example.test", "<VICTIM@example.test>", "victim@example.test." })
            Assert.Equal(clock.Now.AddMinutes(10), throttle.LockedUntil(spelling, IPAddress.Parse("198.51.100.2")));
        Assert.Equal("victim@example.test", Assert.Single(throttle.ActiveLockouts(), l => l.Kind == "address").Key);

        // A success under another spelling clears the same count.
        throttle.RecordSuccess("<other@example.test>");
        throttle.RecordFailure("other@example.test", ip);
        throttle.RecordFailure("other@example.test.", ip);
        throttle.RecordSuccess("<OTHER@example.test>");
        throttle.RecordFailure("other@example.test", ip);
        Assert.Null(throttle.LockedUntil("other@example.test", IPAddress.Parse("198.51.100.2")));
    }

    [Fact]
    public void One_ip_guessing_many_addresses_is_locked_for_all_of_them()
    {
        var (throttle, _) = Create(perAddress: 3, perIp: 5);
        var attacker = IPAddress.Parse("203.0.113.9");
        for (var i = 0; i < 5; i++) throttle.RecordFailure($"user{i}@example.test", attacker);
        Assert.NotNull(throttle.LockedUntil("someone-else@example.test", attacker));
        Assert.Null(throttle.LockedUntil("someone-else@example.test", IPAddress.Parse("203.0.113.10")));
        Assert.Contains(throttle.ActiveLockouts(), l => l.Kind == "ip" && l.Key == "203.0.113.9");
    }

    [Fact]
    public void A_good_login_clears_the_address_but_not_the_ip()
    {
        var (throttle, _) = Create(perAddress: 3, perIp: 4);
        var ip = IPAddress.Parse("192.0.2.50");
        throttle.RecordFailure("a@example.test", ip);
        throttle.RecordFailure("a@example.test", ip);
        throttle.RecordSuccess("a@example.test");
        throttle.RecordFailure("a@example.test", ip);
        throttle.RecordFailure("a@example.test", ip);
        Assert.Null(throttle.LockedUntil("a@example.test", null));
        Assert.NotNull(throttle.LockedUntil("a@example.test", ip));
    }

    [Fact]
    public void Ipv4_mapped_addresses_count_as_the_ipv4_address()
    {
        var (throttle, _) = Create(perAddress: 100, perIp: 2);
        throttle.RecordFailure("a@example.test", IPAddress.Parse("::ffff:192.0.2.1"));
        throttle.RecordFailure("b@example.test", IPAddress.Parse("192.0.2.1"));
        Assert.NotNull(throttle.LockedUntil("c@example.test", IPAddress.Parse("192.0.2.1")));
    }
}
