using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using OpenMailserver.Sdk;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Hosting;

/// <summary>One certificate for every TLS listener: generated once and reused, or loaded from PEM files and
/// picked up again when they change.</summary>
public sealed class TlsTests
{
    private static async Task<X509Certificate2> PresentedCertificateAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        X509Certificate2? seen = null;
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            seen = new X509Certificate2(certificate!);
            return true;
        });
        await tls.AuthenticateAsClientAsync("mail.localhost");
        return seen!;
    }

    [Fact]
    public async Task Self_signed_certificate_names_the_hostname_and_is_reused_after_a_restart()
    {
        var directory = TestPaths.NewTempDirectory();
        string first;
        await using (var server = new MailServer(dataDirectory: directory))
        {
            var certificate = await PresentedCertificateAsync(server.Started().SubmissionTlsPort);
            Assert.True(certificate.MatchesHostname("mail.localhost"));
            Assert.True(certificate.NotAfter > DateTime.UtcNow.AddDays(300));
            first = certificate.Thumbprint;
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "tls", "selfsigned-key.pem")));
        }
        await using var again = new MailServer(dataDirectory: directory);
        Assert.Equal(first, (await PresentedCertificateAsync(again.Started().SubmissionTlsPort)).Thumbprint);
    }

    private static void WritePem(string certPath, string keyPath, string subject, int validDays = 90)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(validDays));
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
    }

    [Fact]
    public async Task Configured_pem_files_are_served_and_a_renewal_is_picked_up_without_restart()
    {
        var directory = TestPaths.NewTempDirectory();
        var (certPath, keyPath) = (Path.Combine(directory, "cert.pem"), Path.Combine(directory, "key.pem"));
        WritePem(certPath, keyPath, "CN=first.example.test");
        await using var server = new MailServer(new Dictionary<string, string?>
        {
            ["OpenMailserver:Tls:CertificatePath"] = certPath, ["OpenMailserver:Tls:KeyPath"] = keyPath,
        });
        Assert.Equal("CN=first.example.test", (await PresentedCertificateAsync(server.Started().SubmissionTlsPort)).Subject);

        WritePem(certPath, keyPath, "CN=renewed.example.test");
        File.SetLastWriteTimeUtc(certPath, DateTime.UtcNow.AddSeconds(5));
        Assert.Equal("CN=renewed.example.test", (await PresentedCertificateAsync(server.SubmissionTlsPort)).Subject);
    }

    [Fact]
    public async Task Health_warns_two_weeks_before_the_certificate_expires()
    {
        var directory = TestPaths.NewTempDirectory();
        var (certPath, keyPath) = (Path.Combine(directory, "cert.pem"), Path.Combine(directory, "key.pem"));
        WritePem(certPath, keyPath, "CN=soon.example.test", validDays: 5);
        await using var server = new MailServer(new Dictionary<string, string?>
        {
            ["OpenMailserver:Tls:CertificatePath"] = certPath, ["OpenMailserver:Tls:KeyPath"] = keyPath,
        });
        using var admin = server.Rest(server.AdminKey);
        var report = await admin.GetJsonAsync("/v1/debug/health");
        var check = Assert.Single(report.GetProperty("details").GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "certificate");
        Assert.Equal("warn", check.GetProperty("status").GetString());
        Assert.Contains("expires in 4 day(s)", check.GetProperty("details").GetString());
        Assert.Equal("warn", report.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Https_port_serves_rest_and_grpc_over_tls()
    {
        var https = TestPaths.FreeTcpPort();
        await using var server = await ServerProcess.StartAsync(environment: new Dictionary<string, string> { ["OpenMailserver__HttpsPort"] = https.ToString() });
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{https}") };
        http.DefaultRequestHeaders.Add("X-OpenMailserver-Key", server.AdminKey);
        Assert.Equal("ok", (await http.GetJsonAsync("/health")).GetProperty("status").GetString());

        using var channel = GrpcChannel.ForAddress($"https://127.0.0.1:{https}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } },
        });
        using var client = new OpenMailserverClient(channel, server.AdminKey);
        var created = await client.CreateMailboxAsync("tls", "example.test");
        Assert.Equal("tls@example.test", created.Mailbox.Email);
        Assert.Contains($"REST and gRPC over TLS listening on https://127.0.0.1:{https}", server.Output);
        var health = (await http.GetJsonAsync("/v1/debug/health")).GetRawText();
        Assert.Contains($"https on https://127.0.0.1:{https}", health);
        Assert.Contains($"http on http://127.0.0.1:{server.HttpPort}", health);
    }
}
