using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

[Collection(SharedServerCollection.Name)]
public sealed class AliasTests(SharedServer server)
{
    [Fact]
    public async Task Alias_to_two_mailboxes_delivers_to_both()
    {
        var (a, b, sender) = (await server.CreateMailboxAsync(), await server.CreateMailboxAsync(), await server.CreateMailboxAsync());
        var source = $"{Provisioning.UniqueLocalPart("team")}@example.test";
        using var admin = server.Rest(server.AdminKey);
        var response = await admin.PostAsJsonAsync("/v1/aliases", new { source, destination = $"{a.Address}, {b.Address}" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var alias = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(alias.GetProperty("id").GetInt64() > 0);
        Assert.Equal(source, alias.GetProperty("source").GetString());
        Assert.Equal($"{a.Address},{b.Address}", alias.GetProperty("destination").GetString());

        var list = await admin.GetJsonAsync("/v1/aliases");
        Assert.Contains(list.EnumerateArray(), x => x.GetProperty("source").GetString() == source);

        using var client = server.Rest(sender.Key);
        var sent = await client.SendAsync(new { sender = sender.Address, recipients = new[] { source }, subject = "to the team", text_body = "hello team" });
        Assert.Equal("sent", sent.GetProperty("state").GetString());
        foreach (var member in new[] { a, b })
        {
            using var reader = server.Rest(member.Key);
            var inbox = await reader.GetJsonAsync($"/v1/mailboxes/{member.Address}/messages");
            Assert.Equal("to the team", Assert.Single(inbox.EnumerateArray()).GetProperty("subject").GetString());
        }
    }

    [Fact]
    public async Task A_mailbox_may_send_as_an_alias_that_points_to_it()
    {
        var owner = await server.CreateMailboxAsync();
        var source = $"{Provisioning.UniqueLocalPart("sales")}@example.test";
        using var admin = server.Rest(server.AdminKey);
        (await admin.PostAsJsonAsync("/v1/aliases", new { source, destination = owner.Address })).EnsureSuccessStatusCode();
        using var client = server.Rest(owner.Key);
        var sent = await client.SendAsync(new { sender = source, recipients = new[] { owner.Address }, subject = "as alias", text_body = "x" });
        Assert.Equal(source, sent.GetProperty("sender").GetString());
    }

    [Fact]
    public async Task Loops_unknown_destinations_and_foreign_domains_are_refused()
    {
        var box = await server.CreateMailboxAsync();
        using var admin = server.Rest(server.AdminKey);
        var first = $"{Provisioning.UniqueLocalPart("l1")}@example.test";
        var second = $"{Provisioning.UniqueLocalPart("l2")}@example.test";
        (await admin.PostAsJsonAsync("/v1/aliases", new { source = first, destination = box.Address })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/v1/aliases", new { source = second, destination = first })).EnsureSuccessStatusCode();

        async Task<string> Refused(object body, HttpStatusCode status)
        {
            var response = await admin.PostAsJsonAsync("/v1/aliases", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, text);
            return JsonDocument.Parse(text).RootElement.GetProperty("message").GetString()!;
        }

        var self = $"{Provisioning.UniqueLocalPart("self")}@example.test";
        Assert.Contains("loop", await Refused(new { source = self, destination = self }, HttpStatusCode.BadRequest));
        Assert.Contains("neither a hosted mailbox nor an alias", await Refused(new { source = self, destination = "nobody-here@example.test" }, HttpStatusCode.BadRequest));
        Assert.Contains("not on a hosted domain", await Refused(new { source = "x@not-hosted.test", destination = box.Address }, HttpStatusCode.BadRequest));
        Assert.Contains("already exists", await Refused(new { source = first, destination = box.Address }, HttpStatusCode.Conflict));
        Assert.Contains("is a mailbox", await Refused(new { source = box.Address, destination = first }, HttpStatusCode.Conflict));
        Assert.Contains("not a valid email address", await Refused(new { source = "not an address", destination = box.Address }, HttpStatusCode.BadRequest));
        Assert.Contains("destination is required", await Refused(new { source = self }, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Alias_can_be_deleted()
    {
        var box = await server.CreateMailboxAsync();
        using var admin = server.Rest(server.AdminKey);
        var source = $"{Provisioning.UniqueLocalPart("del")}@example.test";
        var created = JsonDocument.Parse(await (await admin.PostAsJsonAsync("/v1/aliases", new { source, destination = box.Address })).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/v1/aliases/{created.GetProperty("id").GetInt64()}")).StatusCode);
        var list = await admin.GetJsonAsync("/v1/aliases");
        Assert.DoesNotContain(list.EnumerateArray(), x => x.GetProperty("source").GetString() == source);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/v1/aliases/{created.GetProperty("id").GetInt64()}")).StatusCode);
    }
}
