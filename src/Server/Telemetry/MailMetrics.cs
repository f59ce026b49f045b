using System.Diagnostics.Metrics;

namespace OpenMailserver.Server.Telemetry;

/// <summary>The server's own metrics (meter <c>OpenMailserver</c>), exported with ASP.NET Core's request
/// metrics at <c>/metrics</c> in Prometheus format: mail received, submitted and delivered (by outcome),
/// bounces, queue depth and age, SMTP and IMAP sessions, failed logins.</summary>
public sealed class MailMetrics
{
    public const string MeterName = "OpenMailserver";

    private readonly Counter<long> _received;
    private readonly Counter<long> _submitted;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _bounces;
    private readonly Counter<long> _sessions;
    private readonly Counter<long> _failedLogins;
    private long _queueDepth;
    private double _queueOldestAge;

    public MailMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _received = meter.CreateCounter<long>("openmailserver.messages.received", description: "Messages stored from the MX, counted once per message.");
        _submitted = meter.CreateCounter<long>("openmailserver.messages.submitted", description: "Messages sent by mailboxes (API or SMTP submission).");
        _deliveries = meter.CreateCounter<long>("openmailserver.delivery.recipients", description: "Outbound recipient attempts by outcome: delivered, deferred, failed.");
        _bounces = meter.CreateCounter<long>("openmailserver.bounces", description: "Delivery status notifications stored for senders.");
        _sessions = meter.CreateCounter<long>("openmailserver.sessions", description: "SMTP and IMAP connections accepted, by protocol.");
        _failedLogins = meter.CreateCounter<long>("openmailserver.logins.failed", description: "Failed IMAP and SMTP logins.");
        meter.CreateObservableGauge("openmailserver.queue.depth", () => Volatile.Read(ref _queueDepth), description: "Outbound messages waiting or in delivery.");
        meter.CreateObservableGauge("openmailserver.queue.oldest_age", () => Volatile.Read(ref _queueOldestAge), unit: "s",
            description: "How long the oldest waiting outbound message has waited.");
    }

    public void Received() => _received.Add(1);

    public void Submitted() => _submitted.Add(1);

    public void Delivery(string outcome) => _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Bounced() => _bounces.Add(1);

    public void Session(string protocol) => _sessions.Add(1, new KeyValuePair<string, object?>("protocol", protocol));

    public void FailedLogin() => _failedLogins.Add(1);

    public void Queue(long depth, TimeSpan oldestAge)
    {
        Volatile.Write(ref _queueDepth, depth);
        Volatile.Write(ref _queueOldestAge, oldestAge.TotalSeconds);
    }
}
