using System.Security.Cryptography.X509Certificates;

namespace OpenMailserver.Server.Net;

/// <summary>How the certificate chain of a server someone else chose (an MX, a webhook target) is built:
/// never by fetching a missing issuer from the URL the certificate itself names (its AIA), which is the remote
/// side's choice and could point inside our network, and without revocation look-ups, which would go there
/// too. A server must send its intermediate certificates, as TLS asks it to.</summary>
public static class RemoteCertificateChain
{
    public static X509ChainPolicy Policy() => new()
    {
        DisableCertificateDownloads = true,
        RevocationMode = X509RevocationMode.NoCheck,
    };
}
