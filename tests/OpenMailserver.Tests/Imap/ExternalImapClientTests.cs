using System.Net.Http.Json;
using System.Diagnostics;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>IMAP clients nobody here wrote: Python's imaplib, curl, and mbsync (isync) syncing to a Maildir
/// and back.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ExternalImapClientTests(SharedMailServer server)
{
    private static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{file} failed ({process.ExitCode}): {await stderr}\n{await stdout}");
        return await stdout;
    }

    private async Task<TestMailbox> MailboxWithMessageAsync(string subject)
    {
        var box = await server.CreateMailboxAsync();
        using var api = server.Rest(box.Key);
        await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject, text_body = "body for " + subject });
        return box;
    }

    [Fact]
    public async Task Python_imaplib_logs_in_and_fetches()
    {
        var box = await MailboxWithMessageAsync("for imaplib");
        var output = await RunAsync("python3", "-c", $$"""
            import imaplib, ssl
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            with imaplib.IMAP4_SSL("127.0.0.1", {{server.Started().ImapTlsPort}}, ssl_context=context) as m:
                m.login("{{box.Address}}", "{{box.Password}}")
                typ, data = m.select("INBOX")
                print(typ, data[0].decode())
                typ, data = m.search(None, "SUBJECT", "imaplib")
                print(typ, data[0].decode())
                typ, data = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                print(data[0][1].decode().strip())
                m.logout()
            """);
        Assert.Equal(["OK 1", "OK 1", "Subject: for imaplib"], output.Trim().Split('\n').Select(l => l.Trim()).ToArray());
    }

    [Fact]
    public async Task Curl_fetches_a_message_over_imaps()
    {
        var box = await MailboxWithMessageAsync("for curl");
        var output = await RunAsync("curl", "--silent", "--show-error", "--insecure", "--user", $"{box.Address}:{box.Password}",
            $"imaps://127.0.0.1:{server.Started().ImapTlsPort}/INBOX;UID=1");
        Assert.Contains("Subject: for curl", output);
        Assert.Contains("body for for curl", output);
    }

    [Fact]
    public async Task Mbsync_syncs_the_mailbox_to_a_maildir_and_back()
    {
        var box = await MailboxWithMessageAsync("for mbsync");
        var directory = TestPaths.NewTempDirectory();
        var maildir = Path.Combine(directory, "mail") + "/";
        Directory.CreateDirectory(maildir);
        var config = Path.Combine(directory, "mbsyncrc");
        // mbsync verifies the certificate: trust ours by handing it the server's self-signed certificate.
        var certificate = Path.Combine(server.Started().DataDirectory, "tls", "selfsigned-cert.pem");
        await File.WriteAllTextAsync(config, $"""
            IMAPAccount test
            Host 127.0.0.1
            Port {server.Started().ImapTlsPort}
            User {box.Address}
            Pass "{box.Password}"
            SSLType IMAPS
            CertificateFile {certificate}
            SystemCertificates no

            IMAPStore remote
            Account test

            MaildirStore local
            Path {maildir}
            Inbox {maildir}INBOX
            SubFolders Verbatim

            Channel sync
            Far :remote:
            Near :local:
            Patterns *
            Create Both
            SyncState *
            """);

        await RunAsync("mbsync", "--config", config, "--all");
        var files = Directory.GetFiles(Path.Combine(maildir, "INBOX"), "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => File.ReadAllText(f).Contains("Subject: for mbsync"));
        Assert.True(Directory.Exists(Path.Combine(maildir, "Sent")));

        // A message put in the local Maildir goes up to the server.
        var newMessage = Path.Combine(maildir, "Drafts", "new", $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.local.test");
        Directory.CreateDirectory(Path.GetDirectoryName(newMessage)!);
        await File.WriteAllTextAsync(newMessage, $"From: {box.Address}\r\nSubject: from the maildir\r\n\r\nwritten offline\r\n");
        await RunAsync("mbsync", "--config", config, "--all");
        using var api = server.Rest(box.Key);
        var drafts = await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=Drafts");
        Assert.Equal("from the maildir", Assert.Single(drafts.EnumerateArray()).GetProperty("subject").GetString());

        // An incremental sync after changes on the server: a flag set over REST and a new message both come down.
        var first = (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray().Single().GetProperty("id").GetString();
        Assert.True((await api.PatchAsJsonAsync($"/v1/messages/{first}", new { address = box.Address, flagged = true })).IsSuccessStatusCode);
        await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "after the first sync", text_body = "x" });
        await RunAsync("mbsync", "--config", config, "--all");
        var inbox = Directory.GetFiles(Path.Combine(maildir, "INBOX"), "*", SearchOption.AllDirectories);
        Assert.Contains(inbox, f => File.ReadAllText(f).Contains("Subject: after the first sync"));
        // Maildir keeps flags in the file name: F is flagged.
        Assert.Contains(inbox, f => File.ReadAllText(f).Contains("Subject: for mbsync") && Path.GetFileName(f).Split(":2,").Last().Contains('F'));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Python_imaplib_resyncs_only_what_changed_with_condstore()
    {
        var box = await MailboxWithMessageAsync("for condstore");
        using var api = server.Rest(box.Key);
        await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "second", text_body = "x" });
        // A client's sync: everything the first time and the HIGHESTMODSEQ it was told; then only what changed since.
        const string script = """
            import imaplib, ssl, sys, re
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            port, user, password, since = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
            with imaplib.IMAP4_SSL("127.0.0.1", int(port), ssl_context=context) as m:
                m.login(user, password)
                m.enable("CONDSTORE")
                m.select("INBOX")
                print("HIGHESTMODSEQ", m.response("HIGHESTMODSEQ")[1][0].decode())
                query = "(FLAGS)" if since == "0" else "(FLAGS) (CHANGEDSINCE %s)" % since
                typ, data = m.uid("FETCH", "1:*", query)
                for line in data:
                    if line:
                        print(re.sub(r"^\d+ ", "", line.decode()))
                m.logout()
            """;
        var port = server.Started().ImapTlsPort.ToString();
        var full = (await RunAsync("python3", "-c", script, port, box.Address, box.Password, "0")).Trim().Split('\n');
        var highest = full[0].Split(' ')[1];
        Assert.Equal(2, full.Count(l => l.Contains("FLAGS")));

        var id = (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray()
            .Single(m => m.GetProperty("subject").GetString() == "for condstore").GetProperty("id").GetString();
        Assert.True((await api.PatchAsJsonAsync($"/v1/messages/{id}", new { address = box.Address, seen = true })).IsSuccessStatusCode);
        var incremental = (await RunAsync("python3", "-c", script, port, box.Address, box.Password, highest)).Trim().Split('\n');
        Assert.True(long.Parse(incremental[0].Split(' ')[1]) > long.Parse(highest));
        var changed = Assert.Single(incremental.Skip(1));
        Assert.Matches(@"^\(UID 1 FLAGS \(\\Seen\) MODSEQ \(\d+\)\)$", changed);
    }
}
