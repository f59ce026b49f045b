using System.Net.Http.Json;
using System.Text.Json;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>A mailbox created over REST for a test, with the credentials the server returned.</summary>
public sealed record TestMailbox(string Address, string Password, string Key, long Id);

public static class Provisioning
{
    public static string UniqueLocalPart(string prefix = "t") => $"{prefix}{Guid.NewGuid().ToString("N")[..10]}";

    public static async Task<TestMailbox> CreateMailboxAsync(this ServerFactory server, string? localPart = null, string domain = "example.test")
    {
        using var admin = server.Rest(server.AdminKey);
        var response = await admin.PostAsJsonAsync("/v1/mailboxes", new Dictionary<string, string>
        {
            ["local_part"] = localPart ?? UniqueLocalPart(), ["domain"] = domain,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"provisioning failed: {(int)response.StatusCode} {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return new TestMailbox(
            json.GetProperty("mailbox").GetProperty("email").GetString()!,
            json.GetProperty("password").GetString()!,
            json.GetProperty("api_key").GetProperty("key").GetString()!,
            json.GetProperty("mailbox").GetProperty("id").GetInt64());
    }

    public static async Task<JsonElement> SendAsync(this HttpClient client, object request, int expectedStatus = 200)
    {
        var response = await client.PostAsJsonAsync("/v1/mail/send", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus, $"expected {expectedStatus}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>POSTs JSON and returns the answer, failing the test with the server's message unless it succeeded.</summary>
    public static async Task<JsonElement> PostJsonAsync(this HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path, int expectedStatus = 200)
    {
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus, $"GET {path}: expected {expectedStatus}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
