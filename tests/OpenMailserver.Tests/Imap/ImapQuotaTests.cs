extern alias ServerAssembly;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using System.Text.RegularExpressions;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>QUOTA (RFC 9208) with the mailbox's message quota, the numbers the REST API shows; APPENDLIMIT (RFC 7889)
/// with the real largest message; STATUS SIZE (RFC 8438) and DELETED.</summary>
public sealed class ImapQuotaTests
{
    private const string Message = "Subject: q\r\n\r\nx\r\n";

    [Fact]
    public async Task Getquotaroot_shows_the_quota_and_usage_the_api_shows_and_an_append_over_it_is_overquota()
    {
        await using var server = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Limits:MaxMessagesPerMailbox"] = "3", ["OpenMailserver:Limits:MaxMessageBytes"] = "500000" });
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        var capability = (await imap.CommandAsync("CAPABILITY"))[0];
        foreach (var name in new[] { " QUOTA", " QUOTA=RES-MESSAGE", " STATUS=SIZE", " APPENDLIMIT=500000" }) Assert.Contains(name, capability);
        Assert.DoesNotContain("QUOTA=RES-STORAGE", capability);

        Assert.Equal(["* QUOTAROOT \"INBOX\" \"\"", "* QUOTA \"\" (MESSAGE 0 3)", "T3 OK GETQUOTAROOT completed"], await imap.CommandAsync("GETQUOTAROOT INBOX"));
        for (var i = 0; i < 2; i++) await imap.AppendAsync("INBOX", $"m{i}");
        await imap.AppendAsync("Sent", "sent");
        Assert.Equal(["* QUOTA \"\" (MESSAGE 3 3)", "T4 OK GETQUOTA completed"], await imap.CommandAsync("GETQUOTA \"\""));
        using (var admin = server.Rest(server.AdminKey))
            Assert.Equal(3, (await admin.GetJsonAsync($"/v1/mailboxes/{box.Address}")).GetProperty("quota").GetInt64());

        await imap.SendAsync($"A1 APPEND INBOX {{{Message.Length}+}}\r\n{Message}\r\n");
        Assert.Equal("A1 NO [OVERQUOTA] The mailbox holds at most 3 messages", (await imap.UntilTaggedAsync("A1")).Last());

        Assert.Equal("T5 NO [NONEXISTENT] The only quota root is \"\"", (await imap.CommandAsync("GETQUOTA \"other\""))[^1]);
        Assert.StartsWith("T6 NO [NONEXISTENT]", (await imap.CommandAsync("GETQUOTAROOT Nowhere"))[^1]);
        Assert.Equal("T7 NO [NOPERM] Quotas are set by the operator", (await imap.CommandAsync("SETQUOTA \"\" (MESSAGE 100)"))[^1]);
        Assert.StartsWith("T8 BAD", (await imap.CommandAsync("SETQUOTA \"\" (MESSAGE lots)"))[^1]);
        Assert.StartsWith("T9 BAD", (await imap.CommandAsync("GETQUOTAROOT"))[^1]);

        // The quota as stored now, not as at login: raised by the operator, it holds at once in this session.
        await server.Services.GetRequiredService<ServerAssembly::OpenMailserver.Server.Storage.Database>()
            .WriteAsync(tx => tx.Connection!.ExecuteAsync("UPDATE mailboxes SET quota = 5 WHERE id = @Id", new { box.Id }, tx));
        Assert.Equal("* QUOTA \"\" (MESSAGE 3 5)", (await imap.CommandAsync("GETQUOTA \"\""))[0]);
        await imap.SendAsync($"A2 APPEND INBOX {{{Message.Length}+}}\r\n{Message}\r\n");
        Assert.Contains(" OK ", (await imap.UntilTaggedAsync("A2")).Last());
    }

    [Fact]
    public async Task Status_reports_size_appendlimit_and_deleted()
    {
        await using var server = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Limits:MaxMessageBytes"] = "400000" });
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        for (var i = 0; i < 3; i++) await imap.AppendAsync("INBOX", $"message {i}");
        await imap.CommandAsync("SELECT INBOX");
        var sizes = (await imap.CommandAsync("FETCH 1:* (RFC822.SIZE)")).Select(l => Regex.Match(l, @"RFC822\.SIZE (\d+)")).Where(m => m.Success)
            .Sum(m => long.Parse(m.Groups[1].Value));
        await imap.CommandAsync("STORE 1,3 +FLAGS (\\Deleted)");
        Assert.Equal($"* STATUS \"INBOX\" (MESSAGES 3 SIZE {sizes} APPENDLIMIT 400000 DELETED 2)",
            (await imap.CommandAsync("STATUS INBOX (MESSAGES SIZE APPENDLIMIT DELETED)"))[0]);
    }
}
