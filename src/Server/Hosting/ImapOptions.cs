namespace OpenMailserver.Server.Hosting;

public sealed class ImapOptions
{
    /// <summary>IMAP with implicit TLS. 0 disables the listener.</summary>
    public int TlsPort { get; set; } = 1993;
    /// <summary>IMAP with STARTTLS.</summary>
    public int Port { get; set; } = 1143;
}
