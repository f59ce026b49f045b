namespace OpenMailserver.Server.Configuration;

public sealed class WebhookOptions
{
    /// <summary>Lets webhooks target loopback, private, link-local and other internal addresses. Off: a
    /// webhook must not become a way to reach the server's own network.</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>The first retry's delay; each next one doubles, up to an hour apart.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a delivery is retried before it is given up.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a target may take to answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
