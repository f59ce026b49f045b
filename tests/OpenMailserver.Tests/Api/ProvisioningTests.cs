using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

[Collection(SharedServerCollection.Name)]
public sealed class ProvisioningTests(SharedServer server)
{
    [Fact]
    public async Task Create_mailbox_returns_mailbox_password_and_scoped_key()
    {
        using var admin = server.Rest(server.AdminKey);
        var local = Provisioning.UniqueLocalPart("Prov");
        var response = await admin.PostAsJsonAsync("/v1/mailboxes", new { local_part = local, domain = "Example.TEST" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var mailbox = json.GetProperty("mailbox");
        Assert.True(mailbox.GetProperty("id").GetInt64() > 0);
        Assert.Equal($"{local.ToLowerInvariant()}@example.test", mailbox.GetProperty("email").GetString());
        Assert.Equal(5000, mailbox.GetProperty("quota").GetInt64());
        Assert.True(mailbox.GetProperty("active").GetBoolean());
        Assert.True(json.GetProperty("password").GetString()!.Length >= 20);
        var key = json.GetProperty("api_key");
        Assert.StartsWith("oms_", key.GetProperty("key").GetString());
        Assert.Equal(["mail:read", "mail:modify", "mail:send"], key.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToArray());
    }

    [Fact]
    public async Task Duplicate_mailbox_is_409()
    {
        var existing = await server.CreateMailboxAsync();
        using var admin = server.Rest(server.AdminKey);
        var response = await admin.PostAsJsonAsync("/v1/mailboxes",
            new { local_part = existing.Address.Split('@')[0].ToUpperInvariant(), domain = "example.test" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("already exists", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{\"domain\":\"example.test\"}", "local_part is required")]
    [InlineData("{\"local_part\":\"a\"}", "domain is required")]
    [InlineData("{\"local_part\":\"a b\",\"domain\":\"example.test\"}", "local_part 'a b' is not valid")]
    [InlineData("{\"local_part\":\".a\",\"domain\":\"example.test\"}", "is not valid")]
    [InlineData("{\"local_part\":\"a\",\"domain\":\"exa mple.test\"}", "is not a valid domain name")]
    [InlineData("{\"local_part\":\"a\",\"domain\":\"-bad.test\"}", "is not a valid domain name")]
    [InlineData("{\"local_part\":\"a\",\"domain\":\"example.test\",\"password\":\"short\"}", "at least 8 characters")]
    [InlineData("{\"local_part\":\"a\",\"domain\":\"example.test\",\"quota\":0}", "quota must be a positive")]
    public async Task Invalid_provisioning_input_is_400_with_a_reason(string body, string reason)
    {
        using var admin = server.Rest(server.AdminKey);
        var response = await admin.PostAsync("/v1/mailboxes", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, json.GetProperty("code").GetInt32());
        Assert.Contains(reason, json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Local_part_over_64_characters_is_refused()
    {
        using var admin = server.Rest(server.AdminKey);
        var response = await admin.PostAsJsonAsync("/v1/mailboxes", new { local_part = new string('a', 65), domain = "example.test" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Chosen_password_is_kept_and_a_new_one_can_be_set()
    {
        using var admin = server.Rest(server.AdminKey);
        var local = Provisioning.UniqueLocalPart();
        var created = await admin.PostAsJsonAsync("/v1/mailboxes", new { local_part = local, domain = "example.test", password = "correct horse battery" });
        var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("correct horse battery", json.GetProperty("password").GetString());

        var reset = await admin.PostAsJsonAsync($"/v1/mailboxes/{local}@example.test/password", new { });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var password = JsonDocument.Parse(await reset.Content.ReadAsStringAsync()).RootElement.GetProperty("password").GetString();
        Assert.NotEqual("correct horse battery", password);
        Assert.Equal(24, password!.Length);
    }

    [Fact]
    public async Task Mailboxes_can_be_listed_fetched_disabled_and_enabled()
    {
        var box = await server.CreateMailboxAsync();
        using var admin = server.Rest(server.AdminKey);
        var list = await admin.GetJsonAsync("/v1/mailboxes?domain=example.test");
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        Assert.Contains(list.EnumerateArray(), m => m.GetProperty("email").GetString() == box.Address);

        var disabled = await admin.PostAsJsonAsync($"/v1/mailboxes/{box.Address}/disable", new { });
        Assert.False(JsonDocument.Parse(await disabled.Content.ReadAsStringAsync()).RootElement.GetProperty("active").GetBoolean());
        using (var owner = server.Rest(box.Key))
            Assert.Equal(HttpStatusCode.Unauthorized, (await owner.GetAsync($"/v1/mailboxes/{box.Address}/messages")).StatusCode);

        await admin.PostAsJsonAsync($"/v1/mailboxes/{box.Address}/enable", new { });
        using (var owner = server.Rest(box.Key))
        {
            var self = await owner.GetJsonAsync($"/v1/mailboxes/{box.Address}");
            Assert.True(self.GetProperty("active").GetBoolean());
        }
    }

    [Fact]
    public async Task Issued_keys_work_are_listed_without_secret_and_stop_working_when_revoked()
    {
        var box = await server.CreateMailboxAsync();
        using var admin = server.Rest(server.AdminKey);
        var issued = await admin.PostAsJsonAsync($"/v1/mailboxes/{box.Address}/keys", new { name = "billing-agent" });
        var key = JsonDocument.Parse(await issued.Content.ReadAsStringAsync()).RootElement;
        var raw = key.GetProperty("key").GetString()!;
        using (var client = server.Rest(raw))
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/mailboxes/{box.Address}/messages")).StatusCode);

        var listing = await admin.GetJsonAsync($"/v1/mailboxes/{box.Address}/keys");
        Assert.Equal(2, listing.GetArrayLength());
        Assert.DoesNotContain(raw, listing.GetRawText());
        Assert.Contains(listing.EnumerateArray(), k => k.GetProperty("name").GetString() == "billing-agent" && raw.StartsWith(k.GetProperty("prefix").GetString()!));

        var revoked = await admin.DeleteAsync($"/v1/keys/{key.GetProperty("id").GetInt64()}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using (var client = server.Rest(raw))
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/v1/mailboxes/{box.Address}/messages")).StatusCode);
        using (var client = server.Rest(box.Key))
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/mailboxes/{box.Address}/messages")).StatusCode);
    }

    [Fact]
    public async Task Revoking_unknown_key_is_404()
    {
        using var admin = server.Rest(server.AdminKey);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/v1/keys/999999")).StatusCode);
    }
}
