using MailKit.Net.Smtp;
using MailKit.Security;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>An in-process server whose SMTP listeners are bound on real loopback ports.</summary>
public class MailServer : ServerFactory
{
    /// <param name="mxPort">The MX listener's port, when another server must know it in advance.</param>
    public MailServer(IDictionary<string, string?>? settings = null, string? dataDirectory = null, int? mxPort = null) : this(
        [mxPort ?? TestPaths.FreeTcpPort(), TestPaths.FreeTcpPort(), TestPaths.FreeTcpPort(), TestPaths.FreeTcpPort(), TestPaths.FreeTcpPort()], settings, dataDirectory)
    {
    }

    private MailServer(int[] ports, IDictionary<string, string?>? settings, string? dataDirectory)
        : base(dataDirectory, Merge(settings, new()
    {
        ["OpenMailserver:Smtp:Port"] = ports[0].ToString(),
        ["OpenMailserver:Smtp:SubmissionTlsPort"] = ports[1].ToString(),
        ["OpenMailserver:Smtp:SubmissionPort"] = ports[2].ToString(),
        ["OpenMailserver:Imap:TlsPort"] = ports[3].ToString(),
        ["OpenMailserver:Imap:Port"] = ports[4].ToString(),
    }))
    {
        (MxPort, SubmissionTlsPort, SubmissionPort, ImapTlsPort, ImapPort) = (ports[0], ports[1], ports[2], ports[3], ports[4]);
    }

    public int ImapTlsPort { get; }
    public int ImapPort { get; }

    /// <summary>A MailKit IMAP client logged in as <paramref name="box"/> over implicit TLS.</summary>
    public async Task<MailKit.Net.Imap.ImapClient> ImapAsAsync(TestMailbox box)
    {
        Started();
        var client = new MailKit.Net.Imap.ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 20_000 };
        await client.ConnectAsync("127.0.0.1", ImapTlsPort, SecureSocketOptions.SslOnConnect);
        await client.AuthenticateAsync(box.Address, box.Password);
        return client;
    }

    public int MxPort { get; }
    public int SubmissionTlsPort { get; }
    public int SubmissionPort { get; }

    /// <summary>Starts the host (and so its listeners) if a test reaches for a port first.</summary>
    public MailServer Started()
    {
        _ = Services;
        return this;
    }

    /// <summary>A MailKit client that accepts our self-signed certificate.</summary>
    public static SmtpClient SmtpClient() => new() { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 20_000 };

    public async Task<SmtpClient> SubmitAsAsync(TestMailbox box, bool implicitTls = true)
    {
        Started();
        var client = SmtpClient();
        if (implicitTls) await client.ConnectAsync("127.0.0.1", SubmissionTlsPort, SecureSocketOptions.SslOnConnect);
        else await client.ConnectAsync("127.0.0.1", SubmissionPort, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(box.Address, box.Password);
        return client;
    }

    private static Dictionary<string, string?> Merge(IDictionary<string, string?>? given, Dictionary<string, string?> ports)
    {
        foreach (var (key, value) in given ?? new Dictionary<string, string?>()) ports[key] = value;
        return ports;
    }
}

/// <summary>One mail server shared by the SMTP test classes.</summary>
public sealed class SharedMailServer() : MailServer(new Dictionary<string, string?>
{
    ["OpenMailserver:Limits:MaxMessageBytes"] = (512 * 1024).ToString(),
    ["OpenMailserver:Limits:MaxRecipientsPerMessage"] = "5",
    ["OpenMailserver:Smtp:CommandTimeout"] = "00:00:03",
});

[CollectionDefinition(Name)]
public sealed class SharedMailServerCollection : ICollectionFixture<SharedMailServer>
{
    public const string Name = "shared mail server";
}
