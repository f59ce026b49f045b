using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using OpenMailserver.Tests.Infrastructure;
using OpenMailserver.V1;

namespace OpenMailserver.Tests.Api;

/// <summary>A mailbox key sees its own mailbox and nothing else, over REST and over gRPC alike.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class IsolationTests(SharedServer server)
{
    private async Task<(TestMailbox A, TestMailbox B, string BMessageId, long BOutboundId)> TwoMailboxesAsync()
    {
        var (a, b) = (await server.CreateMailboxAsync(), await server.CreateMailboxAsync());
        using var bClient = server.Rest(b.Key);
        var sent = await bClient.SendAsync(new { sender = b.Address, recipients = new[] { b.Address }, subject = "private to B", text_body = "secret" });
        var inbox = await bClient.GetJsonAsync($"/v1/mailboxes/{b.Address}/messages");
        return (a, b, inbox[0].GetProperty("id").GetString()!, sent.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Over_rest_a_mailbox_key_cannot_touch_another_mailbox()
    {
        var (a, b, bMessage, bOutbound) = await TwoMailboxesAsync();
        using var client = server.Rest(a.Key);

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/v1/mailboxes/{b.Address}/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/v1/mailboxes/{b.Address}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/v1/messages/{bMessage}?address={b.Address}")).StatusCode);
        // Its own address with B's message id: not found, as if it did not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/messages/{bMessage}?address={a.Address}")).StatusCode);
        // A mailbox that does not exist answers like one that does: no probing for addresses.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/v1/mailboxes/ghost@example.test/messages")).StatusCode);

        var outbound = await client.GetJsonAsync("/v1/outbound");
        Assert.DoesNotContain(outbound.EnumerateArray(), o => o.GetProperty("id").GetInt64() == bOutbound);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/outbound/{bOutbound}")).StatusCode);

        var spoof = await client.PostAsJsonAsync("/v1/mail/send", new { sender = b.Address, recipients = new[] { a.Address }, subject = "spoof", text_body = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, spoof.StatusCode);
        Assert.Contains("not your mailbox", await spoof.Content.ReadAsStringAsync());

        var provision = await client.PostAsJsonAsync("/v1/mailboxes", new { local_part = "evil", domain = "example.test" });
        Assert.Equal(HttpStatusCode.Forbidden, provision.StatusCode);
        Assert.Contains("'admin' scope", await provision.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/v1/aliases", new { source = "x@example.test", destination = a.Address })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/v1/mailboxes")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/v1/queue")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/v1/debug/health")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/debug/messages/{bOutbound}/trace")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/v1/mailboxes/{a.Address}/keys", new { })).StatusCode);

        using var bClient = server.Rest(b.Key);
        Assert.Single((await bClient.GetJsonAsync($"/v1/mailboxes/{b.Address}/messages")).EnumerateArray());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("oms_this-key-does-not-exist-anywhere-at-all")]
    [InlineData("not even a key")]
    public async Task Over_rest_a_missing_or_wrong_key_is_401(string? key)
    {
        using var client = server.Rest();
        if (key is not null) client.DefaultRequestHeaders.TryAddWithoutValidation("X-OpenMailserver-Key", key);
        foreach (var path in new[] { "/v1/outbound", "/v1/mailboxes", "/v1/queue", "/v1/debug/health", "/v1/mailboxes/agent@example.test/messages" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(16, json.GetProperty("code").GetInt32());
            Assert.Contains("API key", json.GetProperty("message").GetString());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/v1/mail/send", new { sender = "a@example.test" })).StatusCode);
    }

    [Fact]
    public async Task Over_grpc_a_mailbox_key_cannot_touch_another_mailbox()
    {
        var (a, b, bMessage, bOutbound) = await TwoMailboxesAsync();
        using var client = server.Sdk(a.Key);

        async Task Denied(Func<Task> call, StatusCode expected) => Assert.Equal(expected, (await Assert.ThrowsAsync<RpcException>(call)).StatusCode);

        await Denied(() => client.ListMessagesAsync(b.Address), StatusCode.PermissionDenied);
        await Denied(() => client.GetMessageAsync(b.Address, bMessage), StatusCode.PermissionDenied);
        await Denied(() => client.GetMessageAsync(a.Address, bMessage), StatusCode.NotFound);
        await Denied(() => client.Mail.GetOutboundAsync(new GetOutboundRequest { Id = bOutbound }).ResponseAsync, StatusCode.NotFound);
        await Denied(() => client.SendAsync(b.Address, [a.Address], "spoof", "x"), StatusCode.PermissionDenied);
        await Denied(() => client.CreateMailboxAsync("evil", "example.test"), StatusCode.PermissionDenied);
        await Denied(() => client.Queue.ListQueueAsync(new ListQueueRequest()).ResponseAsync, StatusCode.PermissionDenied);
        await Denied(() => client.Debug.GetHealthAsync(new GetHealthRequest()).ResponseAsync, StatusCode.PermissionDenied);

        var outbound = await client.Mail.ListOutboundAsync(new ListOutboundRequest());
        Assert.DoesNotContain(outbound.Messages, o => o.Id == bOutbound);

        using var stranger = server.Sdk("oms_unknown-key-for-grpc-test-000000000000");
        await Denied(() => stranger.ListMessagesAsync(a.Address), StatusCode.Unauthenticated);
    }
}
