namespace OpenMailserver.Server.Hosting;

public sealed class DeliveryOptions
{
    /// <summary><c>direct</c> (MX lookup) or <c>relay</c> (smarthost).</summary>
    public string Mode { get; set; } = "direct";
    public string? RelayHost { get; set; }
    public int RelayPort { get; set; } = 587;
    /// <summary>Domain → <c>host:port</c>, consulted before DNS.</summary>
    public Dictionary<string, string> MxOverrides { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Delays before each retry of a deferred recipient; after the last one the message bounces.</summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    public static readonly IReadOnlyList<TimeSpan> DefaultRetrySchedule =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1),
        TimeSpan.FromHours(4), TimeSpan.FromHours(8), TimeSpan.FromHours(16), TimeSpan.FromDays(1),
        TimeSpan.FromDays(1), TimeSpan.FromDays(1), TimeSpan.FromDays(1),
    ];
}
