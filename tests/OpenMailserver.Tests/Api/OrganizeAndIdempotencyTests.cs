using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit;
using MailKit.Search;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

public sealed class OrganizeAndIdempotencyTests : IAsyncLifetime
{
    private readonly MailServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Flags_labels_moves_and_delete_to_trash_are_what_an_imap_client_sees()
    {
        var box = await _server.CreateMailboxAsync();
        using var api = _server.Rest(box.Key);
        await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "Organise me", text_body = "x" });
        var id = Assert.Single((await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?unread=true")).EnumerateArray()).GetProperty("id").GetString();

        var updated = await PatchAsync(api, id!, new { address = box.Address, seen = true, flagged = true, add_labels = new[] { "invoices", "$Important" } });
        Assert.Equal(["\\Flagged", "\\Seen", "$Important", "invoices"], updated.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["$Important", "invoices"], updated.GetProperty("labels").EnumerateArray().Select(f => f.GetString()));
        Assert.Empty((await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?unread=true")).EnumerateArray());

        updated = await PatchAsync(api, id!, new { address = box.Address, flagged = false, remove_labels = new[] { "$Important" }, folder = "Junk" });
        Assert.Equal("Junk", updated.GetProperty("folder").GetString());
        Assert.Equal(id, updated.GetProperty("id").GetString());
        Assert.Equal(["\\Seen", "invoices"], updated.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));

        using (var imap = await _server.ImapAsAsync(box))
        {
            var junk = await imap.GetFolderAsync("Junk");
            await junk.OpenAsync(FolderAccess.ReadOnly);
            var uid = Assert.Single(await junk.SearchAsync(SearchQuery.All));
            var flags = Assert.Single(await junk.FetchAsync([uid], MessageSummaryItems.Flags));
            // Moved in by the API and selected by no session since: \Recent, which EXAMINE shows but leaves.
            Assert.Equal(MessageFlags.Seen | MessageFlags.Recent, flags.Flags);
            Assert.Contains("invoices", flags.Keywords);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            Assert.Empty(await imap.Inbox.SearchAsync(SearchQuery.All));
            await imap.DisconnectAsync(true);
        }

        var deleted = await DeleteAsync(api, id!, box);
        Assert.Equal("Trash", deleted.GetProperty("folder").GetString());
        Assert.False(deleted.GetProperty("deleted").GetBoolean());
        Assert.Single((await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=Trash")).EnumerateArray());
        deleted = await DeleteAsync(api, id!, box);
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        await api.GetJsonAsync($"/v1/messages/{id}?address={box.Address}", 404);
        Assert.DoesNotContain(id, (await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=*")).EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Bad_updates_are_refused_and_change_nothing()
    {
        var (box, other) = (await _server.CreateMailboxAsync(), await _server.CreateMailboxAsync());
        using var api = _server.Rest(box.Key);
        await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "Keep me", text_body = "x" });
        var id = Assert.Single((await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray()).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.NotFound, (await api.PatchAsJsonAsync($"/v1/messages/{id}", new { address = box.Address, folder = "Nowhere" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PatchAsJsonAsync($"/v1/messages/{id}", new { address = box.Address, add_labels = new[] { "two words" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PatchAsJsonAsync($"/v1/messages/{id}", new { address = box.Address, add_labels = new[] { "\\Deleted" } })).StatusCode);
        using var intruder = _server.Rest(other.Key);
        Assert.Equal(HttpStatusCode.Forbidden, (await intruder.PatchAsJsonAsync($"/v1/messages/{id}", new { address = box.Address, seen = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await intruder.DeleteAsync($"/v1/messages/{id}?address={other.Address}")).StatusCode);

        var message = await api.GetJsonAsync($"/v1/messages/{id}?address={box.Address}");
        Assert.Equal("INBOX", message.GetProperty("folder").GetString());
        Assert.Empty(message.GetProperty("flags").EnumerateArray());
    }

    [Fact]
    public async Task The_same_idempotency_key_sent_twice_and_concurrently_yields_one_message()
    {
        var (sender, recipient) = (await _server.CreateMailboxAsync(), await _server.CreateMailboxAsync());
        using var api = _server.Rest(sender.Key);
        var request = new { sender = sender.Address, recipients = new[] { recipient.Address }, subject = "Exactly once", text_body = "x" };

        async Task<JsonElement> SendWithHeaderAsync(string key)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/mail/send") { Content = JsonContent.Create(request) };
            message.Headers.Add("Idempotency-Key", key);
            var response = await api.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            return JsonDocument.Parse(body).RootElement;
        }

        var first = await SendWithHeaderAsync("order-7-confirmation");
        var again = await SendWithHeaderAsync("order-7-confirmation");
        Assert.Equal(first.GetProperty("id").GetInt64(), again.GetProperty("id").GetInt64());
        var viaField = await api.SendAsync(new { request.sender, request.recipients, request.subject, request.text_body, idempotency_key = "order-7-confirmation" });
        Assert.Equal(first.GetProperty("id").GetInt64(), viaField.GetProperty("id").GetInt64());

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SendWithHeaderAsync("burst-key")));
        Assert.Single(concurrent.Select(r => r.GetProperty("id").GetInt64()).Distinct());

        using var inbox = _server.Rest(recipient.Key);
        Assert.Equal(2, (await inbox.GetJsonAsync($"/v1/mailboxes/{recipient.Address}/messages")).GetArrayLength());
        Assert.Equal(2, (await api.GetJsonAsync("/v1/outbound")).GetArrayLength());

        var reused = await api.PostAsJsonAsync("/v1/mail/send", new { request.sender, request.recipients, subject = "Something else", text_body = "y", idempotency_key = "burst-key" });
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Contains("different message", await reused.Content.ReadAsStringAsync());
        var tooLong = await api.PostAsJsonAsync("/v1/mail/send", new { request.sender, request.recipients, request.subject, idempotency_key = new string('k', 300) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(2, (await api.GetJsonAsync("/v1/outbound")).GetArrayLength());
    }

    [Fact]
    public async Task Outbound_lists_filter_and_page_without_repeats()
    {
        var (sender, a, b) = (await _server.CreateMailboxAsync(), await _server.CreateMailboxAsync(), await _server.CreateMailboxAsync());
        using var api = _server.Rest(sender.Key);
        for (var i = 0; i < 7; i++)
            await api.SendAsync(new { sender = sender.Address, recipients = new[] { i % 2 == 0 ? a.Address : b.Address }, subject = $"Batch {i}", text_body = "x" });

        var ids = new List<long>();
        string? token = null;
        do
        {
            var response = await api.GetAsync("/v1/outbound?limit=3" + (token is null ? "" : $"&page_token={token}"));
            ids.AddRange(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(m => m.GetProperty("id").GetInt64()));
            token = response.Headers.TryGetValues("X-Next-Page-Token", out var values) ? values.Single() : null;
        } while (token is not null);
        Assert.Equal(7, ids.Count);
        Assert.Equal(ids.OrderDescending(), ids);

        var toA = await api.GetJsonAsync($"/v1/outbound?recipient={a.Address}&state=sent");
        Assert.Equal(["Batch 6", "Batch 4", "Batch 2", "Batch 0"], toA.EnumerateArray().Select(m => m.GetProperty("subject").GetString()));
        Assert.Single((await api.GetJsonAsync("/v1/outbound?subject=batch%205")).EnumerateArray());
        await api.GetJsonAsync("/v1/outbound?state=lost", 400);
    }

    private static async Task<JsonElement> PatchAsync(HttpClient api, string id, object body)
    {
        var response = await api.PatchAsJsonAsync($"/v1/messages/{id}", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PATCH: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<JsonElement> DeleteAsync(HttpClient api, string id, TestMailbox box)
    {
        var response = await api.DeleteAsync($"/v1/messages/{id}?address={box.Address}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"DELETE: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
