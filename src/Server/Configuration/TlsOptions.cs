namespace OpenMailserver.Server.Configuration;

public sealed class TlsOptions
{
    /// <summary>PEM certificate; when absent a self-signed certificate for the hostname is generated.</summary>
    public string? CertificatePath { get; set; }
    public string? KeyPath { get; set; }
}
