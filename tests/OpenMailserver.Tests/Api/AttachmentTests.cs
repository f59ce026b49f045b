using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit;
using MailKit.Search;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

public sealed class AttachmentTests : IAsyncLifetime
{
    private readonly MailServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Hostile_attachment_names_are_offered_safe_to_save_with_the_original_beside()
    {
        var box = await _server.CreateMailboxAsync("names");
        Assert.StartsWith("250 ", await SmtpConversation.DeliverAsync(_server.Started().MxPort, "mallory@sender.test", box.Address,
            HostileMessages.AttachmentNames(box.Address)));

        using var reader = _server.Rest(box.Key);
        var id = Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray()).GetProperty("id").GetString();
        var attachments = (await reader.GetJsonAsync($"/v1/messages/{id}?address={box.Address}")).GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(HostileMessages.SafeNames, attachments.Select(a => a.GetProperty("filename").GetString()));
        Assert.Equal(HostileMessages.OriginalNames, attachments.Select(a => a.GetProperty("original_filename").GetString()));

        var download = await reader.GetAsync($"/v1/messages/{id}/attachments/{attachments[1].GetProperty("id").GetString()}?address={box.Address}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment; filename=\"reportBcc_ x.pdf\"", download.Content.Headers.ContentDisposition?.ToString());
    }

    [Fact]
    public async Task Two_attachments_arrive_byte_identical_and_an_imap_client_sees_the_same_structure()
    {
        var (alice, bob) = (await _server.CreateMailboxAsync("alice"), await _server.CreateMailboxAsync("bob"));
        var binary = new byte[70_000];
        new Random(7).NextBytes(binary);
        var utf8Name = "Überweisung März – 請求書.pdf";
        var csv = "amount;currency\n12,50;EUR\n"u8.ToArray();
        using var sender = _server.Rest(alice.Key);
        await sender.SendAsync(new
        {
            sender = alice.Address, recipients = new[] { bob.Address }, subject = "Invoices", text_body = "Both files attached.",
            attachments = new object[]
            {
                new { filename = utf8Name, content_type = "application/pdf", content_base64 = Convert.ToBase64String(binary) },
                new { filename = "totals.csv", content_type = "text/csv", content_base64 = Convert.ToBase64String(csv) },
            },
        });

        using var reader = _server.Rest(bob.Key);
        var id = Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{bob.Address}/messages")).EnumerateArray()).GetProperty("id").GetString();
        var message = await reader.GetJsonAsync($"/v1/messages/{id}?address={bob.Address}");
        Assert.Equal("Both files attached.", message.GetProperty("text_body").GetString()!.TrimEnd());
        var attachments = message.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(2, attachments.Count);
        Assert.Equal([utf8Name, "totals.csv"], attachments.Select(a => a.GetProperty("filename").GetString()));
        Assert.Equal(["application/pdf", "text/csv"], attachments.Select(a => a.GetProperty("content_type").GetString()));
        Assert.Equal([binary.Length, csv.Length], attachments.Select(a => a.GetProperty("size").GetInt64()));

        var pdf = await reader.GetAsync($"/v1/messages/{id}/attachments/{attachments[0].GetProperty("id").GetString()}?address={bob.Address}");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        Assert.Equal(binary, await pdf.Content.ReadAsByteArrayAsync());
        var text = await reader.GetByteArrayAsync($"/v1/messages/{id}/attachments/{attachments[1].GetProperty("id").GetString()}?address={bob.Address}");
        Assert.Equal(csv, text);

        var raw = await reader.GetAsync($"/v1/messages/{id}/raw?address={bob.Address}");
        Assert.Equal("message/rfc822", raw.Content.Headers.ContentType?.MediaType);
        var rawBytes = await raw.Content.ReadAsByteArrayAsync();

        using var imap = await _server.ImapAsAsync(bob);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var uid = Assert.Single(await imap.Inbox.SearchAsync(SearchQuery.All));
        await using (var body = await imap.Inbox.GetStreamAsync(uid, ""))
        {
            using var copy = new MemoryStream();
            await body.CopyToAsync(copy);
            Assert.Equal(copy.ToArray(), rawBytes);
        }
        var summary = Assert.Single(await imap.Inbox.FetchAsync([uid], MessageSummaryItems.BodyStructure));
        var imapAttachments = summary.Attachments.ToList();
        Assert.Equal(attachments.Select(a => a.GetProperty("id").GetString()), imapAttachments.Select(a => a.PartSpecifier));
        Assert.Equal([utf8Name, "totals.csv"], imapAttachments.Select(a => a.FileName));
        Assert.Equal(["application/pdf", "text/csv"], imapAttachments.Select(a => a.ContentType.MimeType));
        var fetched = (MimeKit.MimePart)await imap.Inbox.GetBodyPartAsync(uid, imapAttachments[0]);
        using var decoded = new MemoryStream();
        await fetched.Content!.DecodeToAsync(decoded);
        Assert.Equal(binary, decoded.ToArray());
        await imap.DisconnectAsync(true);
    }

    [Fact]
    public async Task An_inline_image_is_a_related_part_with_its_content_id()
    {
        var box = await _server.CreateMailboxAsync();
        using var client = _server.Rest(box.Key);
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        await client.SendAsync(new
        {
            sender = box.Address, recipients = new[] { box.Address }, subject = "logo", html_body = "<p>Our logo: <img src=\"cid:logo@example\"></p>",
            attachments = new[] { new { filename = "logo.png", content_type = "image/png", content_base64 = Convert.ToBase64String(png), content_id = "logo@example" } },
        });
        var id = Assert.Single((await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray()).GetProperty("id").GetString();
        var message = await client.GetJsonAsync($"/v1/messages/{id}?address={box.Address}");
        var part = Assert.Single(message.GetProperty("attachments").EnumerateArray());
        Assert.Equal("logo@example", part.GetProperty("content_id").GetString());
        Assert.True(part.GetProperty("inline").GetBoolean());
        Assert.Equal(png, await client.GetByteArrayAsync($"/v1/messages/{id}/attachments/{part.GetProperty("id").GetString()}?address={box.Address}"));
        var raw = System.Text.Encoding.ASCII.GetString(await client.GetByteArrayAsync($"/v1/messages/{id}/raw?address={box.Address}"));
        Assert.Contains("multipart/related", raw);
    }

    [Fact]
    public async Task A_part_with_a_content_id_but_no_html_body_arrives_as_an_attachment()
    {
        var box = await _server.CreateMailboxAsync();
        using var client = _server.Rest(box.Key);
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        await client.SendAsync(new
        {
            sender = box.Address, recipients = new[] { box.Address }, subject = "no html", text_body = "The chart is attached.",
            attachments = new object[]
            {
                new { filename = "chart.png", content_type = "image/png", content_base64 = Convert.ToBase64String(png), content_id = "chart@example" },
                new { filename = "", content_type = "image/png", content_base64 = Convert.ToBase64String(png), content_id = "<unnamed@example>" },
            },
        });
        var id = Assert.Single((await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray()).GetProperty("id").GetString();
        var message = await client.GetJsonAsync($"/v1/messages/{id}?address={box.Address}");
        Assert.Equal("The chart is attached.", message.GetProperty("text_body").GetString()!.TrimEnd());
        var parts = message.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(["chart.png", "unnamed@example"], parts.Select(p => p.GetProperty("filename").GetString()));
        Assert.Equal(["chart@example", "unnamed@example"], parts.Select(p => p.GetProperty("content_id").GetString()));
        Assert.All(parts, p => Assert.False(p.GetProperty("inline").GetBoolean()));
        Assert.Equal(png, await client.GetByteArrayAsync($"/v1/messages/{id}/attachments/{parts[0].GetProperty("id").GetString()}?address={box.Address}"));
    }

    [Fact]
    public async Task Bad_attachments_and_unknown_parts_get_clear_errors()
    {
        var box = await _server.CreateMailboxAsync();
        using var client = _server.Rest(box.Key);
        async Task<string> RefusedAsync(object attachment, HttpStatusCode status)
        {
            var response = await client.PostAsJsonAsync("/v1/mail/send", new
            {
                sender = box.Address, recipients = new[] { box.Address }, subject = "bad", text_body = "x", attachments = new[] { attachment },
            });
            Assert.Equal(status, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString()!;
        }
        Assert.Contains("filename", await RefusedAsync(new { content_type = "text/plain", content_base64 = "eA==" }, HttpStatusCode.BadRequest));
        Assert.Contains("MIME type", await RefusedAsync(new { filename = "a.txt", content_type = "not a type", content_base64 = "eA==" }, HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/v1/mail/send", new
        {
            sender = box.Address, recipients = new[] { box.Address }, subject = "bad", attachments = new[] { new { filename = "a", content_base64 = "%%%" } },
        })).StatusCode);
        Assert.Empty((await client.GetJsonAsync("/v1/outbound")).EnumerateArray());

        await client.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "plain", text_body = "x" });
        var id = Assert.Single((await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray()).GetProperty("id").GetString();
        Assert.Empty((await client.GetJsonAsync($"/v1/messages/{id}?address={box.Address}")).GetProperty("attachments").EnumerateArray());
        await client.GetJsonAsync($"/v1/messages/{id}/attachments/7?address={box.Address}", 404);
        await client.GetJsonAsync($"/v1/messages/{id}/raw", 400);

        var other = await _server.CreateMailboxAsync();
        using var intruder = _server.Rest(other.Key);
        await intruder.GetJsonAsync($"/v1/messages/{id}/raw?address={box.Address}", 403);
        await intruder.GetJsonAsync($"/v1/messages/{id}/raw?address={other.Address}", 404);
    }
}
