extern alias ServerAssembly;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>QUOTA (RFC 9208) with the mailbox's message quota, the numbers the REST API shows; APPENDLIMIT (RFC 7889)
/// with the real largest message; STATUS SIZE (RFC 8438), DELETED and DELETED-STORAGE.</summary>
public sealed class ImapQuotaTests
{
    private const string Message = "Subject: q\r\n\r\nx\r\n";

    [Fact]
    public async Task Getquotaroot_shows_the_quota_and_usage_the_api_shows_and_an_append_over_it_is_overquota()
    {
        await using var server = new MailServer(new Dictionary<string, string?>
        {
            ["OpenMailserver:Limits:MaxMessagesPerMailbox"] = "3", ["OpenMailserver:Limits:MaxMessageBytes"] = "500000", ["OpenMailserver:Limits:MaxBytesPerMailbox"] = "1048576",
        });
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        var capability = (await imap.CommandAsync("CAPABILITY"))[0];
        foreach (var name in new[] { " QUOTA", " QUOTA=RES-STORAGE", " QUOTA=RES-MESSAGE", " STATUS=SIZE", " APPENDLIMIT=500000" }) Assert.Contains(name, capability);

        Assert.Equal(["* QUOTAROOT \"INBOX\" \"\"", "* QUOTA \"\" (STORAGE 0 1024 MESSAGE 0 3)", "T3 OK GETQUOTAROOT completed"], await imap.CommandAsync("GETQUOTAROOT INBOX"));
        for (var i = 0; i < 2; i++) await imap.AppendAsync("INBOX", $"m{i}");
        await imap.AppendAsync("Sent", "sent");
        // STORAGE is the sum of the folders' sizes the API shows, in KiB rounded up.
        Assert.Equal(["* QUOTA \"\" (STORAGE 1 1024 MESSAGE 3 3)", "T4 OK GETQUOTA completed"], await imap.CommandAsync("GETQUOTA \"\""));
        using (var admin = server.Rest(server.AdminKey))
        {
            var mailbox = await admin.GetJsonAsync($"/v1/mailboxes/{box.Address}");
            Assert.Equal(3, mailbox.GetProperty("quota").GetInt64());
            Assert.Equal(1048576, mailbox.GetProperty("storage_quota").GetInt64());
            // Each folder's size as the API shows it is the one STATUS gives; together they are what STORAGE counts.
            await using var other = await ImapConversation.LoginAsync(server, box);
            foreach (var folder in (await admin.GetJsonAsync($"/v1/mailboxes/{box.Address}/folders")).EnumerateArray())
            {
                var (name, size) = (folder.GetProperty("name").GetString()!, folder.GetProperty("size").GetInt64());
                Assert.Equal($"* STATUS \"{name}\" (SIZE {size})", (await other.CommandAsync($"STATUS \"{name}\" (SIZE)"))[0]);
            }
        }

        await imap.SendAsync($"A1 APPEND INBOX {{{Message.Length}+}}\r\n{Message}\r\n");
        Assert.Equal("A1 NO [OVERQUOTA] The mailbox holds at most 3 messages and 1048576 bytes", (await imap.UntilTaggedAsync("A1")).Last());

        Assert.Equal("T5 NO [NONEXISTENT] The only quota root is \"\"", (await imap.CommandAsync("GETQUOTA \"other\""))[^1]);
        Assert.StartsWith("T6 NO [NONEXISTENT]", (await imap.CommandAsync("GETQUOTAROOT Nowhere"))[^1]);
        Assert.Equal("T7 NO [NOPERM] Quotas are set by the operator", (await imap.CommandAsync("SETQUOTA \"\" (MESSAGE 100)"))[^1]);
        Assert.StartsWith("T8 BAD", (await imap.CommandAsync("SETQUOTA \"\" (MESSAGE lots)"))[^1]);
        Assert.StartsWith("T9 BAD", (await imap.CommandAsync("GETQUOTAROOT"))[^1]);

        // The quota as stored now, not as at login: raised by the operator, it holds at once in this session.
        await server.Services.GetRequiredService<ServerAssembly::OpenMailserver.Server.Storage.Database>()
            .WriteAsync(tx => tx.Connection!.ExecuteAsync("UPDATE mailboxes SET quota = 5 WHERE id = @Id", new { box.Id }, tx));
        Assert.Equal("* QUOTA \"\" (STORAGE 1 1024 MESSAGE 3 5)", (await imap.CommandAsync("GETQUOTA \"\""))[0]);
        await imap.SendAsync($"A2 APPEND INBOX {{{Message.Length}+}}\r\n{Message}\r\n");
        Assert.Contains(" OK ", (await imap.UntilTaggedAsync("A2")).Last());
    }

    [Fact]
    public async Task The_storage_quota_holds_at_every_door_and_the_api_sets_and_shows_it()
    {
        await using var server = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Limits:MaxBytesPerMailbox"] = "4096" });
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        string Sized(int bytes) => "Subject: s\r\n\r\n" + new string('x', bytes - 17) + "\r\n";
        async Task<string> AppendAsync(string tag, string message)
        {
            await imap.SendAsync($"{tag} APPEND INBOX {{{message.Length}+}}\r\n{message}\r\n");
            return (await imap.UntilTaggedAsync(tag))[^1];
        }
        Assert.StartsWith("A1 OK [APPENDUID", await AppendAsync("A1", Sized(2500)));
        Assert.Equal(["* QUOTA \"\" (STORAGE 3 4 MESSAGE 1 5000)", "T2 OK GETQUOTA completed"], await imap.CommandAsync("GETQUOTA \"\""));
        // 2,500 + 2,000 bytes would pass 4,096: refused by APPEND, by COPY and by the MX, and nothing is stored.
        Assert.Equal("A2 NO [OVERQUOTA] The mailbox holds at most 5000 messages and 4096 bytes", await AppendAsync("A2", Sized(2000)));
        await imap.CommandAsync("SELECT INBOX");
        Assert.StartsWith("T4 NO [OVERQUOTA]", (await imap.CommandAsync("COPY 1 Trash"))[^1]);
        var reply = await SmtpConversation.DeliverAsync(server.MxPort, "a@outside.test", box.Address, System.Text.Encoding.ASCII.GetBytes(Sized(2000)));
        Assert.StartsWith("452 4.2.2 ", reply);
        // A MAIL that declares its size is refused at RCPT, before the message is sent.
        await using (var smtp = await SmtpConversation.OpenAsync(server.MxPort))
        {
            await smtp.ReplyAsync();
            await smtp.CommandAsync("EHLO sender.test");
            Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<a@outside.test> SIZE=2000"));
            Assert.StartsWith($"452 4.2.2 <{box.Address}>: Mailbox full, try again later", await smtp.CommandAsync($"RCPT TO:<{box.Address}>"));
        }
        // A move takes no room; a message that fits is stored.
        Assert.StartsWith("T5 OK", (await imap.CommandAsync("MOVE 1 Trash"))[^1]);
        Assert.StartsWith("A3 OK [APPENDUID", await AppendAsync("A3", Sized(1500)));
        Assert.Equal("* QUOTA \"\" (STORAGE 4 4 MESSAGE 2 5000)", (await imap.CommandAsync("GETQUOTA \"\""))[0]);

        using var admin = server.Rest(server.AdminKey);
        var created = await admin.PostJsonAsync("/v1/mailboxes", new { local_part = "roomy", domain = "example.test", storage_quota = 1_000_000 });
        Assert.Equal(1_000_000, created.GetProperty("mailbox").GetProperty("storage_quota").GetInt64());
        Assert.Equal(4096, (await admin.GetJsonAsync($"/v1/mailboxes/{box.Address}")).GetProperty("storage_quota").GetInt64());
        var refused = await admin.PostAsync("/v1/mailboxes", System.Net.Http.Json.JsonContent.Create(new { local_part = "tiny", domain = "example.test", storage_quota = 0 }));
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Contains("storage_quota", await refused.Content.ReadAsStringAsync());

        // The operator raises the storage quota; the quota not given stays; the session already open is held to the new one.
        var raised = await admin.PostJsonAsync($"/v1/mailboxes/{box.Address}/quota", new { storage_quota = 1_048_576 });
        Assert.Equal((1_048_576L, 5000L), (raised.GetProperty("storage_quota").GetInt64(), raised.GetProperty("quota").GetInt64()));
        Assert.Equal("* QUOTA \"\" (STORAGE 4 1024 MESSAGE 2 5000)", (await imap.CommandAsync("GETQUOTA \"\""))[0]);
        Assert.StartsWith("A4 OK [APPENDUID", await AppendAsync("A4", Sized(2000)));
        Assert.Equal(3, (await admin.PostJsonAsync($"/v1/mailboxes/{box.Address}/quota", new { quota = 3 })).GetProperty("quota").GetInt64());
        Assert.StartsWith("A5 NO [OVERQUOTA] The mailbox holds at most 3 messages and 1048576 bytes", await AppendAsync("A5", Sized(100)));
        foreach (var (key, body, status) in new (string, object, int)[]
                 {
                     (box.Key, new { quota = 10 }, 403), (server.AdminKey, new { storage_quota = 10 }, 400), (server.AdminKey, new { quota = 0 }, 400),
                 })
        {
            using var client = server.Rest(key);
            var answer = await client.PostAsync($"/v1/mailboxes/{box.Address}/quota", System.Net.Http.Json.JsonContent.Create(body));
            Assert.Equal(status, (int)answer.StatusCode);
        }
        Assert.Equal(404, (int)(await admin.PostAsync("/v1/mailboxes/nobody@example.test/quota", System.Net.Http.Json.JsonContent.Create(new { quota = 10 }))).StatusCode);
    }

    [Fact]
    public async Task Status_reports_size_appendlimit_and_deleted()
    {
        await using var server = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Limits:MaxMessageBytes"] = "400000" });
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        for (var i = 0; i < 3; i++) await imap.AppendAsync("INBOX", $"message {i}");
        await imap.AppendAsync("INBOX", "a larger one " + new string('x', 3000));
        await imap.CommandAsync("SELECT INBOX");
        var sizes = (await imap.CommandAsync("FETCH 1:* (RFC822.SIZE)")).Select(l => Regex.Match(l, @"RFC822\.SIZE (\d+)")).Where(m => m.Success)
            .Sum(m => long.Parse(m.Groups[1].Value));
        var deletedSize = (await imap.CommandAsync("FETCH 1,4 (RFC822.SIZE)")).Select(l => Regex.Match(l, @"RFC822\.SIZE (\d+)")).Where(m => m.Success)
            .Sum(m => long.Parse(m.Groups[1].Value));
        await imap.CommandAsync("STORE 1,4 +FLAGS (\\Deleted)");
        // DELETED-STORAGE (RFC 9208, with QUOTA=RES-STORAGE): what an EXPUNGE would free, in KiB rounded up.
        Assert.Equal($"* STATUS \"INBOX\" (MESSAGES 4 SIZE {sizes} APPENDLIMIT 400000 DELETED 2 DELETED-STORAGE {(deletedSize + 1023) / 1024})",
            (await imap.CommandAsync("STATUS INBOX (MESSAGES SIZE APPENDLIMIT DELETED DELETED-STORAGE)"))[0]);
        Assert.True(deletedSize > 3000);
    }
}
