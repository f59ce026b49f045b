using System.Text;
using MailKit;
using OpenMailserver.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OpenMailserver.Tests.Imap;

/// <summary>COMPRESS=DEFLATE (RFC 4978) after login, over implicit TLS and over STARTTLS: every reply inflates whole
/// as it comes, COMPRESS twice is NO [COMPRESSIONACTIVE], and a FETCH of 1,000 envelopes crosses the wire in a
/// fraction of its size.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapCompressTests(SharedMailServer server, ITestOutputHelper output)
{
    [Fact]
    public async Task Deflate_after_login_over_implicit_tls_and_only_once()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapTlsPort, implicitTls: true);
        Assert.DoesNotContain("COMPRESS=DEFLATE", imap.Greeting);
        Assert.StartsWith("T1 BAD", (await imap.CommandAsync("COMPRESS DEFLATE"))[^1]);
        await imap.CommandAsync($"LOGIN {box.Address} \"{box.Password}\"");
        Assert.Contains(" COMPRESS=DEFLATE", (await imap.CommandAsync("CAPABILITY"))[0]);
        Assert.Equal(["T4 NO Unknown compression mechanism GZIP; DEFLATE is offered"], await imap.CommandAsync("COMPRESS GZIP"));
        Assert.Equal(["T5 OK DEFLATE active"], await imap.CommandAsync("COMPRESS DEFLATE"));
        imap.StartDeflate();

        Assert.Equal(["T6 OK NOOP completed"], await imap.CommandAsync("NOOP"));
        Assert.DoesNotContain("COMPRESS=DEFLATE", (await imap.CommandAsync("CAPABILITY"))[0]);
        Assert.Equal(["T8 NO [COMPRESSIONACTIVE] DEFLATE is already active"], await imap.CommandAsync("COMPRESS DEFLATE"));
        await imap.AppendAsync("INBOX", "compressed");
        Assert.Contains("* 1 EXISTS", await imap.CommandAsync("SELECT INBOX"));
        Assert.Contains(await imap.CommandAsync("FETCH 1 (BODY[HEADER.FIELDS (SUBJECT)])"), l => l.Contains("Subject: compressed"));
    }

    [Fact]
    public async Task Deflate_over_starttls_and_a_thousand_envelopes_cost_a_fraction_on_the_wire()
    {
        var box = await server.CreateMailboxAsync();
        var messages = Enumerable.Range(0, 1000).Select(i => new
        {
            raw = Encoding.ASCII.GetBytes($"From: Sender {i % 40} <sender{i % 40}@example.org>\r\nTo: {box.Address}\r\nSubject: Weekly report number {i}\r\n" +
                                          $"Date: Mon, 7 Dec 2026 09:{i % 60:00}:00 +0000\r\nMessage-ID: <report-{i}@example.org>\r\n\r\nbody {i}\r\n"),
            key = $"k{i}",
        }).ToArray();
        using (var admin = server.Rest(server.AdminKey))
            await admin.PostJsonAsync($"/v1/mailboxes/{box.Address}/import", new { messages });

        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapPort, implicitTls: false);
        await imap.CommandAsync("STARTTLS");
        await imap.UpgradeAsync();
        await imap.CommandAsync($"LOGIN {box.Address} \"{box.Password}\"");
        Assert.Equal(["T3 OK DEFLATE active"], await imap.CommandAsync("COMPRESS DEFLATE"));
        var deflate = imap.StartDeflate();
        await imap.CommandAsync("SELECT INBOX");

        var (wire, inflated) = (deflate.WireBytesRead, deflate.BytesRead);
        var fetched = await imap.CommandAsync("FETCH 1:1000 (ENVELOPE)");
        Assert.Equal(1000, fetched.Count(l => l.Contains(" FETCH (ENVELOPE (")));
        (wire, inflated) = (deflate.WireBytesRead - wire, deflate.BytesRead - inflated);
        output.WriteLine($"FETCH 1:1000 (ENVELOPE): {inflated} bytes, {wire} on the wire ({100.0 * (inflated - wire) / inflated:F0}% saved)");
        Assert.True(wire * 4 < inflated, $"{wire} bytes on the wire for {inflated}");
    }

    [Fact]
    public async Task Corrupt_deflate_data_ends_only_that_session_and_a_stream_of_empty_lines_is_cut_short()
    {
        var box = await server.CreateMailboxAsync();
        await using (var corrupt = await ImapConversation.LoginAsync(server, box))
        {
            Assert.Equal(["T2 OK DEFLATE active"], await corrupt.CommandAsync("COMPRESS DEFLATE"));
            // Not DEFLATE at all: the server closes the connection.
            await corrupt.SendAsync(Enumerable.Repeat((byte)0xFF, 64).ToArray());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            Assert.Null(await corrupt.LineAsync(timeout.Token));
        }

        // A thousand empty lines to a byte: cut short with a BYE.
        await using var empty = await ImapConversation.LoginAsync(server, box);
        Assert.Equal(["T2 OK DEFLATE active"], await empty.CommandAsync("COMPRESS DEFLATE"));
        empty.StartDeflate();
        await empty.SendAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("\r\n", 5000))));
        Assert.Equal("* BYE Too many empty lines", await empty.LineAsync());

        // The server goes on for everyone else.
        await using var next = await ImapConversation.LoginAsync(server, box);
        Assert.Equal(["T2 OK NOOP completed"], await next.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Mailkit_compresses_and_goes_on_working()
    {
        var box = await server.CreateMailboxAsync();
        using var client = await server.ImapAsAsync(box);
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.Compress));
        await client.CompressAsync();
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        await client.Inbox.AppendAsync(new MimeKit.MimeMessage(new[] { new MimeKit.MailboxAddress("", box.Address) }, new[] { new MimeKit.MailboxAddress("", box.Address) },
            "through deflate", new MimeKit.TextPart("plain") { Text = "hello" }));
        await client.Inbox.CheckAsync();
        var summary = Assert.Single(await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope));
        Assert.Equal("through deflate", summary.Envelope!.Subject);
        await client.DisconnectAsync(true);
    }
}
