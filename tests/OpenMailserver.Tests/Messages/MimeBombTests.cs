using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Search;
using OpenMailserver.Sdk;
using OpenMailserver.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OpenMailserver.Tests.Messages;

/// <summary>Messages built to cost the server: 200,000 parts, 200,000 header fields, 1,000 levels of
/// nesting. Each arrives over real SMTP at a real server process and is stored whole; what is indexed and
/// shown stops at Inbound:MaxMimeParts, MaxHeaders and MaxMimeDepth and says so, reading it is quick, and
/// the process's memory hardly moves.</summary>
public sealed class MimeBombTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Password = "bomb-proof-password-1";
    private ServerProcess _server = null!;
    private HttpClient _api = null!;
    private int _mxPort;
    private int _imapPort;
    private string _mailbox = "";

    public async Task InitializeAsync()
    {
        _mxPort = TestPaths.FreeTcpPort();
        _imapPort = TestPaths.FreeTcpPort();
        _server = await ServerProcess.StartAsync(environment: new Dictionary<string, string>
        {
            ["OpenMailserver__Smtp__Port"] = _mxPort.ToString(),
            ["OpenMailserver__Imap__TlsPort"] = _imapPort.ToString(),
            ["OpenMailserver__Domain"] = "x.test",
            ["OpenMailserver__Delivery__DnsServers__0"] = Dnsmasq.Shared.Address,
        });
        using var admin = new OpenMailserverClient(_server.GrpcBase, _server.AdminKey);
        var created = await admin.CreateMailboxAsync("inbox", "x.test", Password);
        _mailbox = created.Mailbox.Email;
        _api = _server.Rest(created.ApiKey.Key);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Two_hundred_thousand_parts_are_stored_whole_and_shown_as_the_first_thousand_quickly_in_bounded_memory()
    {
        var ordinary = await DeliverAndReadAsync(Ordinary("ordinary"));
        Assert.False(ordinary.GetProperty("truncated").GetBoolean());
        var before = _server.ResidentBytes;

        var bytes = HostileMessages.ManyParts("parts", _mailbox, 200_000);
        var (id, message) = await DeliverAndReadTimedAsync(bytes, reads: 3);

        Assert.True(message.GetProperty("truncated").GetBoolean());
        Assert.InRange(message.GetProperty("attachments").GetArrayLength(), 990, 1000);
        var grown = _server.ResidentBytes - before;
        output.WriteLine($"the server grew by {grown >> 20} MB for a message of {bytes.Length >> 20} MB, received and read three times");
        Assert.True(grown < 100L << 20, $"the server grew by {grown >> 20} MB for one message of {bytes.Length >> 20} MB read three times");
        var raw = await _api.GetByteArrayAsync($"/v1/messages/{id}/raw?address={_mailbox}");
        Assert.EndsWith("--b--\r\n", Encoding.ASCII.GetString(raw));
        Assert.True(raw.Length > bytes.Length, "the raw message is stored whole");
    }

    [Fact]
    public async Task Two_hundred_thousand_header_fields_are_shown_as_the_first_thousand()
    {
        var (_, message) = await DeliverAndReadTimedAsync(HostileMessages.ManyHeaderFields("headers", _mailbox, 200_000), reads: 2);

        Assert.True(message.GetProperty("truncated").GetBoolean());
        Assert.InRange(message.GetProperty("headers").GetArrayLength(), 990, 1000);
        Assert.Equal("headers", message.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task An_imap_client_searches_and_fetches_the_header_bomb_within_the_first_thousand_fields()
    {
        await DeliverAndReadTimedAsync(HostileMessages.ManyHeaderFields("headers", _mailbox, 200_000), reads: 1);
        using var imap = new MailKit.Net.Imap.ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 20_000 };
        await imap.ConnectAsync("127.0.0.1", _imapPort, MailKit.Security.SecureSocketOptions.SslOnConnect);
        await imap.AuthenticateAsync(_mailbox, Password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);

        var clock = Stopwatch.StartNew();
        Assert.Single(await imap.Inbox.SearchAsync(SearchQuery.HeaderContains("X-Bomb", "500")));
        Assert.Empty(await imap.Inbox.SearchAsync(SearchQuery.HeaderContains("X-Bomb", "199999")));
        var summary = Assert.Single(await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope));
        Assert.Equal("headers", summary.Envelope?.Subject);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"search and fetch took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_thousand_levels_of_nesting_are_shown_to_the_fiftieth()
    {
        var bomb = new StringBuilder(HostileMessages.Head("nesting", "inbox@x.test", "multipart/mixed; boundary=n0"));
        for (var i = 1; i < 1000; i++) bomb.Append($"--n{i - 1}\r\nContent-Type: multipart/mixed; boundary=n{i}\r\n\r\n");
        bomb.Append("--n999\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=deep.png\r\n\r\nx\r\n");
        for (var i = 999; i >= 0; i--) bomb.Append($"--n{i}--\r\n");
        var (_, message) = await DeliverAndReadTimedAsync(Encoding.ASCII.GetBytes(bomb.ToString()), reads: 2);

        Assert.True(message.GetProperty("truncated").GetBoolean());
        Assert.Empty(message.GetProperty("attachments").EnumerateArray());
    }

    [Fact]
    public async Task An_ordinary_message_is_whole_with_sizes_counted_without_decoding()
    {
        var message = await DeliverAndReadAsync(Ordinary("ordinary"));

        Assert.False(message.GetProperty("truncated").GetBoolean());
        Assert.Equal("Hello.", message.GetProperty("text_body").GetString()!.TrimEnd());
        var attachments = message.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(["data.bin", "notes.txt"], attachments.Select(a => a.GetProperty("filename").GetString()));
        // "café bar=": the soft line break counts nothing, each =XX one byte, the CRLF before the boundary is not content.
        Assert.Equal([3000L, 10L], attachments.Select(a => a.GetProperty("size").GetInt64()));
    }

    private static byte[] Ordinary(string subject)
    {
        var binary = Convert.ToBase64String(Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray(), Base64FormattingOptions.InsertLineBreaks);
        return Encoding.ASCII.GetBytes(HostileMessages.Head(subject, "inbox@x.test", "multipart/mixed; boundary=o") +
            "--o\r\nContent-Type: text/plain\r\n\r\nHello.\r\n" +
            $"--o\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=data.bin\r\n\r\n{binary}\r\n" +
            "--o\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Disposition: attachment; filename=notes.txt\r\n\r\ncaf=C3=A9 =\r\nbar=3D\r\n" +
            "--o--\r\n");
    }

    private async Task<JsonElement> DeliverAndReadAsync(byte[] message) => (await DeliverAndReadTimedAsync(message, reads: 1)).Message;

    /// <summary>Delivers over SMTP, then reads the message through REST <paramref name="reads"/> times, each
    /// within a second.</summary>
    private async Task<(string Id, JsonElement Message)> DeliverAndReadTimedAsync(byte[] message, int reads)
    {
        var subject = Encoding.ASCII.GetString(message).Split("\r\nSubject: ")[1].Split("\r\n")[0];
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await SmtpConversation.DeliverAsync(_mxPort, "bomber@sender.test", _mailbox, message));
        var id = (await _api.GetJsonAsync($"/v1/mailboxes/{_mailbox}/messages?limit=50")).EnumerateArray()
            .First(m => m.GetProperty("subject").GetString() == subject).GetProperty("id").GetString()!;
        var read = default(JsonElement);
        for (var i = 0; i < reads; i++)
        {
            var clock = Stopwatch.StartNew();
            read = await _api.GetJsonAsync($"/v1/messages/{id}?address={_mailbox}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"reading took {clock.ElapsedMilliseconds} ms");
        }
        return (id, read);
    }
}
