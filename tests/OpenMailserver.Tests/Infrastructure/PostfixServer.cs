using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>Postfix from Debian's packages, in its own configuration and queue directories, with one smtpd
/// on a loopback port that offers STARTTLS and delivers the domain it is given into Maildirs. Some of its
/// users can be told to answer 450 (try later). Needs root, as Postfix's master does.</summary>
public sealed class PostfixServer : IAsyncDisposable
{
    private readonly string _root;

    /// <param name="tls">Offer STARTTLS (the default), or speak only in clear.</param>
    /// <param name="mainCf">More main.cf lines; <c>{access}</c> stands for the access map of <paramref name="access"/>.</param>
    /// <param name="access">More access map lines (address, then the reply).</param>
    public PostfixServer(string domain, IEnumerable<string> users, IEnumerable<string>? deferredUsers = null, bool tls = true,
        IEnumerable<string>? mainCf = null, IEnumerable<string>? access = null)
    {
        Domain = domain;
        Port = TestPaths.FreeTcpPort();
        _root = Path.Combine("/tmp", "oms-postfix-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var dir in new[] { "etc", "queue", "data", "mail" }) Directory.CreateDirectory(Path.Combine(_root, dir));
        Chmod("755", _root);
        Run("chown", "postfix", Path.Combine(_root, "data"));
        Run("chown", "nobody:nogroup", Path.Combine(_root, "mail"));

        var etc = Path.Combine(_root, "etc");
        // The package's postinst writes /etc/postfix/master.cf from the shipped template; either will do.
        var template = File.Exists("/etc/postfix/master.cf") ? "/etc/postfix/master.cf" : "/usr/share/postfix/master.cf.dist";
        var master = File.ReadAllLines(template)
            .Select(l => l.StartsWith("smtp      inet", StringComparison.Ordinal) ? $"127.0.0.1:{Port} inet n - n - - smtpd" : l);
        File.WriteAllLines(Path.Combine(etc, "master.cf"), master);
        File.WriteAllLines(Path.Combine(etc, "vmailbox"), users.Select(u => $"{u}@{domain} {domain}/{u}/"));
        File.WriteAllLines(Path.Combine(etc, "access"),
            (deferredUsers ?? []).Select(u => $"{u}@{domain} 450 4.2.0 Mailbox busy, try again later").Concat(access ?? []));
        WriteCertificate(etc);
        File.WriteAllText(Path.Combine(etc, "main.cf"),
            $"""
            compatibility_level = 3.6
            queue_directory = {_root}/queue
            data_directory = {_root}/data
            mail_owner = postfix
            setgid_group = postdrop
            myhostname = mx.{domain}
            inet_interfaces = 127.0.0.1
            inet_protocols = ipv4
            mydestination =
            mynetworks = 127.0.0.0/8
            virtual_mailbox_domains = {domain}
            virtual_mailbox_base = {_root}/mail
            virtual_mailbox_maps = texthash:{etc}/vmailbox
            virtual_uid_maps = static:{Id("-u", "nobody")}
            virtual_gid_maps = static:{Id("-g", "nobody")}
            smtpd_recipient_restrictions = check_recipient_access texthash:{etc}/access, reject_unauth_destination
            smtpd_tls_security_level = {(tls ? "may" : "none")}
            smtpd_tls_cert_file = {etc}/cert.pem
            smtpd_tls_key_file = {etc}/key.pem
            maillog_file = {_root}/postfix.log
            maillog_file_prefixes = {_root}
            {string.Join("\n", (mainCf ?? []).Select(l => l.Replace("{access}", $"texthash:{etc}/access")))}
            """);
    }

    public string Domain { get; }
    public int Port { get; }
    public string LogFile => Path.Combine(_root, "postfix.log");

    public async Task StartAsync()
    {
        Run("postfix", "-c", Path.Combine(_root, "etc"), "set-permissions");
        Run("postfix", "-c", Path.Combine(_root, "etc"), "start");
        for (var i = 0; i < 100; i++)
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"Postfix did not listen on {Port}; see {LogFile}.");
    }

    /// <summary>The messages Postfix delivered to <paramref name="user"/>'s Maildir, waiting up to the timeout for <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<string>> WaitForMaildirAsync(string user, int count = 1, int seconds = 30)
    {
        var directory = Path.Combine(_root, "mail", Domain, user, "new");
        for (var i = 0; i < seconds * 10; i++)
        {
            if (Directory.Exists(directory) && Directory.GetFiles(directory).Length >= count) break;
            await Task.Delay(100);
        }
        return Directory.Exists(directory) ? Directory.GetFiles(directory).Select(File.ReadAllText).ToList() : [];
    }

    public ValueTask DisposeAsync()
    {
        Run("postfix", "-c", Path.Combine(_root, "etc"), "stop");
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }

    private static void WriteCertificate(string directory)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=postfix.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(Path.Combine(directory, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem());
    }

    private static string Id(string flag, string user) => Run("id", flag, user).Trim();

    private static void Chmod(string mode, string path) => Run("chmod", mode, path);

    private static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && !(file == "postfix" && arguments[^1] is "stop" or "set-permissions"))
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error}{output}");
        return output;
    }
}
