using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

/// <summary>Bad input gets a 4xx with a message saying what is wrong, and the server keeps serving.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class BadInputTests(SharedServer server)
{
    private static async Task<string> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("message").GetString()!;
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("{\"sender\":")]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"recipients\":\"should be a list\"}")]
    public async Task Malformed_json_is_400(string body)
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        var message = await ExpectAsync(await client.PostAsync("/v1/mail/send", Json(body)), HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/mailboxes/{box.Address}/messages")).StatusCode);
    }

    [Fact]
    public async Task Non_utf8_body_is_400()
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        var bytes = Encoding.Latin1.GetBytes($"{{\"sender\":\"{box.Address}\",\"recipients\":[\"{box.Address}\"],\"subject\":\"caf\u00e9\",\"text_body\":\"x\"}}");
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        await ExpectAsync(await client.PostAsync("/v1/mail/send", content), HttpStatusCode.BadRequest);
        Assert.Empty((await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray());
    }

    [Theory]
    [InlineData("not-an-address", "recipients: 'not-an-address' is not a valid email address")]
    [InlineData("a@", "is not a valid email address")]
    [InlineData("@example.test", "is not a valid email address")]
    [InlineData("a b@example.test", "is not a valid email address")]
    [InlineData("a@b@example.test", "is not a valid email address")]
    [InlineData("\"quoted\"@example.test", "is not a valid email address")]
    [InlineData("a@[127.0.0.1]", "is not a valid email address")]
    [InlineData("a@example..test", "is not a valid email address")]
    public async Task Invalid_recipient_address_is_400_naming_it(string address, string reason)
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        var message = await ExpectAsync(await client.PostAsJsonAsync("/v1/mail/send",
            new { sender = box.Address, recipients = new[] { address }, subject = "x", text_body = "x" }), HttpStatusCode.BadRequest);
        Assert.Contains(reason, message);
    }

    [Fact]
    public async Task Missing_sender_or_recipients_is_400()
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        Assert.Contains("recipients must name at least one address",
            await ExpectAsync(await client.PostAsJsonAsync("/v1/mail/send", new { sender = box.Address, recipients = Array.Empty<string>(), subject = "x" }), HttpStatusCode.BadRequest));
        Assert.Contains("sender is required",
            await ExpectAsync(await client.PostAsJsonAsync("/v1/mail/send", new { recipients = new[] { box.Address } }), HttpStatusCode.BadRequest));
        Assert.Contains("not a valid email address",
            await ExpectAsync(await client.PostAsJsonAsync("/v1/mail/send", new { sender = "nope", recipients = new[] { box.Address } }), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Oversize_message_is_refused_and_nothing_is_stored()
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        var message = await ExpectAsync(await client.PostAsJsonAsync("/v1/mail/send", new
        {
            sender = box.Address, recipients = new[] { box.Address }, subject = "big", text_body = new string('x', (int)SharedServer.MaxMessageBytes + 10),
        }), HttpStatusCode.TooManyRequests);
        Assert.Contains($"the limit is {SharedServer.MaxMessageBytes} bytes", message);
        Assert.Empty((await client.GetJsonAsync("/v1/outbound")).EnumerateArray());
        Assert.Empty((await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=Sent")).EnumerateArray());
    }

    [Fact]
    public async Task Too_many_recipients_is_400()
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        var recipients = Enumerable.Range(0, SharedServer.MaxRecipients + 1).Select(i => $"r{i}@elsewhere.test").ToArray();
        Assert.Contains($"at most {SharedServer.MaxRecipients}",
            await ExpectAsync(await client.PostAsJsonAsync("/v1/mail/send", new { sender = box.Address, recipients, subject = "x" }), HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData(5000, "at most 998 are allowed")]
    [InlineData(-1, "must not contain line breaks")]
    public async Task Bad_subjects_are_400(int length, string reason)
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        var subject = length > 0 ? new string('s', length) : "Hello\r\nBcc: victim@elsewhere.test";
        Assert.Contains(reason, await ExpectAsync(await client.PostAsJsonAsync("/v1/mail/send",
            new { sender = box.Address, recipients = new[] { box.Address }, subject, text_body = "x" }), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Unknown_mailbox_and_bad_query_parameters_are_reported()
    {
        using var admin = server.Rest(server.AdminKey);
        Assert.Contains("No mailbox nobody-home@example.test", await ExpectAsync(await admin.GetAsync("/v1/mailboxes/nobody-home@example.test/messages"), HttpStatusCode.NotFound));
        Assert.Contains("not a valid email address", await ExpectAsync(await admin.GetAsync("/v1/mailboxes/not-an-address/messages"), HttpStatusCode.BadRequest));
        var box = await server.CreateMailboxAsync();
        Assert.Contains("RFC 3339", await ExpectAsync(await admin.GetAsync($"/v1/mailboxes/{box.Address}/messages?before=yesterday"), HttpStatusCode.BadRequest));
        Assert.Contains("limit must not be negative", await ExpectAsync(await admin.GetAsync($"/v1/mailboxes/{box.Address}/messages?limit=-5"), HttpStatusCode.BadRequest));
        Assert.Contains("address is required", await ExpectAsync(await admin.GetAsync("/v1/messages/abc"), HttpStatusCode.BadRequest));
        Assert.Contains("state must be one of", await ExpectAsync(await admin.GetAsync("/v1/queue?state=lost"), HttpStatusCode.BadRequest));
        Assert.Contains("level must be one of", await ExpectAsync(await admin.GetAsync("/v1/debug/logs?level=loud"), HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Hostile_strings_are_stored_and_returned_intact()
    {
        var box = await server.CreateMailboxAsync();
        using var client = server.Rest(box.Key);
        const string subject = "'; DROP TABLE messages; -- \u202e emoji 🦄 \u0000?";
        var result = await client.PostAsJsonAsync("/v1/mail/send", new { sender = box.Address, recipients = new[] { box.Address }, subject, text_body = "body \u0000 with NUL" });
        // A NUL is a control character: refused in the subject, never stored half-way.
        Assert.Equal(HttpStatusCode.BadRequest, result.StatusCode);
        const string safe = "'; DROP TABLE messages; -- emoji 🦄 ünïcödé";
        await client.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = safe, text_body = "ok" });
        Assert.Equal(safe, (await client.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages"))[0].GetProperty("subject").GetString());
    }
}
