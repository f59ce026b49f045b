using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Net;

/// <summary>The one certificate every TLS listener presents (SMTP, IMAP, HTTPS). With
/// <c>Tls:CertificatePath</c>/<c>Tls:KeyPath</c> it serves those PEM files and picks up a renewed pair on
/// the next handshake after the files change; without them it generates a self-signed certificate for the
/// hostname into <c>&lt;DataDirectory&gt;/tls/</c> once and reuses it.</summary>
public sealed class TlsCertificateProvider(IOptions<TlsOptions> tls, IOptions<StorageOptions> storage, IOptions<ServerOptions> server, TimeProvider time, ILogger<TlsCertificateProvider> logger)
{
    private readonly Lock _lock = new();
    private X509Certificate2? _current;
    private (DateTime Cert, DateTime Key) _loadedStamps;

    /// <summary>Where the certificate comes from, for reports.</summary>
    public string Source => IsConfigured ? tls.Value.CertificatePath! : SelfSignedCertificatePath;

    public bool IsConfigured => !string.IsNullOrEmpty(tls.Value.CertificatePath);

    private DateTime RenewBefore => time.GetUtcNow().AddDays(30).UtcDateTime;

    private string TlsDirectory => Path.Combine(storage.Value.DataDirectory, "tls");
    private string SelfSignedCertificatePath => Path.Combine(TlsDirectory, "selfsigned-cert.pem");
    private string SelfSignedKeyPath => Path.Combine(TlsDirectory, "selfsigned-key.pem");

    /// <summary>The certificate to present now. Cheap after the first call: a stat of the two files.</summary>
    public X509Certificate2 Current
    {
        get
        {
            lock (_lock)
            {
                var (certPath, keyPath) = Paths();
                var stamps = (File.GetLastWriteTimeUtc(certPath), File.GetLastWriteTimeUtc(keyPath));
                if (_current is not null && stamps == _loadedStamps) return _current;
                try
                {
                    _current = Load(certPath, keyPath);
                    _loadedStamps = stamps;
                    logger.LogInformation("Loaded TLS certificate {Subject} from {Path}, valid until {NotAfter:u}", _current.Subject, certPath, _current.NotAfter);
                }
                catch (Exception e) when (_current is not null && e is CryptographicException or IOException)
                {
                    // A renewal caught half-written: keep serving the previous certificate and retry next time.
                    logger.LogWarning("Could not load the TLS certificate from {Path} ({Error}); still serving the previous one", certPath, e.Message);
                }
                return _current;
            }
        }
    }

    /// <summary>Makes sure a certificate exists and loads, so a bad one stops the start instead of the first handshake.</summary>
    public void EnsureReady() => _ = Current;

    private (string Cert, string Key) Paths()
    {
        var configured = tls.Value;
        if (IsConfigured) return (configured.CertificatePath!, configured.KeyPath!);
        // Checked at first use and again as the served certificate nears its end, not on every handshake.
        var hostname = server.Value.Hostname;
        if (_current is null || _current.NotAfter.ToUniversalTime() < RenewBefore)
            if (!File.Exists(SelfSignedCertificatePath) || !File.Exists(SelfSignedKeyPath) || !StillGood(hostname)) GenerateSelfSigned(hostname);
        return (SelfSignedCertificatePath, SelfSignedKeyPath);
    }

    private bool StillGood(string hostname)
    {
        try
        {
            using var existing = X509Certificate2.CreateFromPem(File.ReadAllText(SelfSignedCertificatePath));
            return existing.NotAfter.ToUniversalTime() > RenewBefore && existing.MatchesHostname(hostname, allowWildcards: false);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private void GenerateSelfSigned(string hostname)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(TlsDirectory);
        else Directory.CreateDirectory(TlsDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(hostname);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(2));

        WritePrivate(SelfSignedKeyPath, key.ExportPkcs8PrivateKeyPem());
        WritePrivate(SelfSignedCertificatePath, certificate.ExportCertificatePem());
        logger.LogWarning("Generated a self-signed TLS certificate for {Hostname} in {Directory}; set Tls:CertificatePath and Tls:KeyPath to serve a trusted one",
            hostname, TlsDirectory);
    }

    /// <summary>PEM → a certificate whose private key SslStream can use on Linux (an ephemeral PEM key cannot
    /// be used for a server handshake, so it goes through PKCS#12).</summary>
    private static X509Certificate2 Load(string certPath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static void WritePrivate(string path, string content)
    {
        var streamOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) streamOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(new FileStream(path, streamOptions));
        writer.Write(content);
    }
}
