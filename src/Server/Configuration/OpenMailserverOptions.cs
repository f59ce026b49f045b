namespace OpenMailserver.Server.Configuration;

/// <summary>The <c>OpenMailserver</c> configuration section. Defaults that depend on the environment are
/// filled in by <see cref="OpenMailserverOptionsSetup"/>.</summary>
public sealed class OpenMailserverOptions
{
    public const string Section = "OpenMailserver";

    public string DataDirectory { get; set; } = "./data";
    public string? BindAddress { get; set; }
    public int HttpPort { get; set; } = 8787;
    public int GrpcPort { get; set; } = 8788;
    /// <summary>REST and gRPC over TLS (HTTP/1.1 and HTTP/2 by ALPN) with the server certificate; 0 (the
    /// default) leaves it off, for setups with a reverse proxy in front.</summary>
    public int HttpsPort { get; set; }
    public string? Domain { get; set; }
    public string? Hostname { get; set; }
    public string? AdminApiKey { get; set; }

    public SmtpOptions Smtp { get; set; } = new();
    public ImapOptions Imap { get; set; } = new();
    public TlsOptions Tls { get; set; } = new();
    public DeliveryOptions Delivery { get; set; } = new();
    public LimitsOptions Limits { get; set; } = new();
    public InboundOptions Inbound { get; set; } = new();
    public DebugOptions Debug { get; set; } = new();
    public SecurityOptions Security { get; set; } = new();
    public BackupOptions Backup { get; set; } = new();
    public WebhookOptions Webhooks { get; set; } = new();
}
