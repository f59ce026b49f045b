using System.Net;
using System.Text;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Storage;

public sealed class PersistenceTests
{
    [Fact]
    public async Task Everything_written_before_a_restart_is_there_after_it()
    {
        var directory = TestPaths.NewTempDirectory();
        TestMailbox box;
        string adminKey;
        long outboundId;
        await using (var first = new ServerFactory(directory))
        {
            box = await first.CreateMailboxAsync();
            adminKey = first.AdminKey;
            using var client = first.Rest(box.Key);
            outboundId = (await client.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "before restart", text_body = "durable" }))
                .GetProperty("id").GetInt64();
        }

        await using var second = new ServerFactory(directory);
        Assert.Equal(adminKey, second.AdminKey);
        using var admin = second.Rest(adminKey);
        Assert.Contains((await admin.GetJsonAsync("/v1/mailboxes")).EnumerateArray(), m => m.GetProperty("email").GetString() == box.Address);
        using var owner = second.Rest(box.Key);
        var inbox = await owner.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages");
        var summary = Assert.Single(inbox.EnumerateArray());
        Assert.Equal("before restart", summary.GetProperty("subject").GetString());
        Assert.Equal("durable", (await owner.GetJsonAsync($"/v1/messages/{summary.GetProperty("id").GetString()}?address={box.Address}")).GetProperty("body").GetString()!.Trim());
        Assert.Equal("sent", (await owner.GetJsonAsync($"/v1/outbound/{outboundId}")).GetProperty("state").GetString());
        Assert.Single((await owner.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=Sent")).EnumerateArray());
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task No_secret_is_stored_raw()
    {
        await using var server = new ServerFactory();
        var box = await server.CreateMailboxAsync();
        using var admin = server.Rest(server.AdminKey);
        var issued = (await (await admin.PostAsync($"/v1/mailboxes/{box.Address}/keys", new StringContent("{}", Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync());
        var secondKey = System.Text.Json.JsonDocument.Parse(issued).RootElement.GetProperty("key").GetString()!;
        using var client = server.Rest(box.Key);
        await client.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "s", text_body = "x" });

        var secrets = new[] { box.Key, box.Password, secondKey, server.AdminKey };
        var files = Directory.GetFiles(server.DataDirectory, "openmailserver.db*");
        Assert.Contains(files, f => f.EndsWith(".db"));
        foreach (var file in files)
        {
            var bytes = await ReadSharedAsync(file);
            foreach (var secret in secrets)
            {
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)));
                // Neither a base64 nor a hex rendering of the raw secret.
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)))));
            }
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/mailboxes/{box.Address}/messages")).StatusCode);
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
