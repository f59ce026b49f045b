extern alias ServerAssembly;
using System.Text;
using MailKit;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using ServerAssembly::OpenMailserver.Server.Events;
using ServerAssembly::OpenMailserver.Server.Messages;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>MULTIAPPEND (RFC 3502): several messages in one APPEND, each with its own flags and date, stored all
/// or none, with one APPENDUID for them all.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapMultiappendTests(SharedMailServer server)
{
    private static string Message(string subject) => $"Subject: {subject}\r\n\r\nbody of {subject}\r\n";

    private static string Literal(string message) => $"{{{message.Length}+}}\r\n{message}";

    [Fact]
    public async Task Several_messages_are_stored_in_order_with_their_own_flags_and_dates()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        Assert.Contains(" MULTIAPPEND", (await imap.CommandAsync("CAPABILITY"))[0]);

        await imap.SendAsync($"A1 APPEND INBOX (\\Seen) {Literal(Message("one"))} {Literal(Message("two"))} (\\Flagged) \"01-Jan-2020 10:00:00 +0000\" {Literal(Message("three"))}\r\n");
        Assert.Matches(@"^A1 OK \[APPENDUID \d+ 1:3\] APPEND completed$", (await imap.UntilTaggedAsync("A1"))[^1]);

        // Synchronizing literals: the server asks for each in turn.
        var four = Message("four");
        var five = Message("five");
        await imap.SendAsync($"A2 APPEND INBOX {{{four.Length}}}\r\n");
        Assert.StartsWith("+ ", await imap.LineAsync());
        await imap.SendAsync($"{four} {{{five.Length}}}\r\n");
        Assert.StartsWith("+ ", await imap.LineAsync());
        await imap.SendAsync($"{five}\r\n");
        Assert.Matches(@"^A2 OK \[APPENDUID \d+ 4:5\] APPEND completed$", (await imap.UntilTaggedAsync("A2"))[^1]);

        await imap.CommandAsync("EXAMINE INBOX");
        var lines = (await imap.CommandAsync("FETCH 1:5 (FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")).SkipLast(1).ToList();
        Assert.Equal(5, lines.Count);
        string[] subjects = ["one", "two", "three", "four", "five"];
        for (var i = 0; i < 5; i++) Assert.Contains($"Subject: {subjects[i]}", lines[i]);
        Assert.Contains("\\Seen", lines[0]);
        Assert.DoesNotContain("\\Seen", lines[1]);
        Assert.DoesNotContain("\\Flagged", lines[1]);
        Assert.Contains("\\Flagged", lines[2]);
        Assert.Contains("INTERNALDATE \"01-Jan-2020 10:00:00 +0000\"", lines[2]);
    }

    [Fact]
    public async Task One_message_that_cannot_be_stored_stores_none()
    {
        await using var small = new MailServer(new Dictionary<string, string?>
        {
            ["OpenMailserver:Limits:MaxMessageBytes"] = "1024",
            ["OpenMailserver:Limits:MaxMessagesPerMailbox"] = "3",
            ["OpenMailserver:Imap:MaxAppendMessages"] = "4",
        });
        var box = await small.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(small, box);
        async Task<string> AppendAsync(string tag, string arguments)
        {
            await imap.SendAsync($"{tag} APPEND {arguments}\r\n");
            return (await imap.UntilTaggedAsync(tag))[^1];
        }
        async Task<string> MessagesAsync() => (await imap.CommandAsync("STATUS INBOX (MESSAGES)"))[0];

        // A synchronizing literal over the limit is refused before it is sent, and with it the whole command.
        await imap.SendAsync($"A1 APPEND INBOX {Literal(Message("fits"))} {{1100}}\r\n");
        Assert.Equal("A1 NO [TOOBIG] A literal may hold at most 1024 bytes here", await imap.LineAsync());
        Assert.StartsWith("A2 NO ", await AppendAsync("A2", $"INBOX {Literal(Message("fits"))} {{0+}}\r\n"));
        Assert.StartsWith("A3 NO [OVERQUOTA]", await AppendAsync("A3", "INBOX " + string.Join(' ', Enumerable.Range(1, 4).Select(i => Literal(Message($"m{i}"))))));
        Assert.Equal("A8 BAD APPEND takes at most 4 messages", await AppendAsync("A8", "INBOX " + string.Join(' ', Enumerable.Range(1, 5).Select(i => Literal(Message($"m{i}"))))));
        Assert.StartsWith("A4 NO [TRYCREATE]", await AppendAsync("A4", $"Nowhere {Literal(Message("a"))} {Literal(Message("b"))}"));
        Assert.StartsWith("A5 BAD", await AppendAsync("A5", $"INBOX {Literal(Message("a"))} {Literal(Message("b"))} "));
        Assert.StartsWith("A6 BAD", await AppendAsync("A6", $"INBOX {Literal(Message("a"))} (\\Seen)"));
        Assert.Equal("* STATUS \"INBOX\" (MESSAGES 0)", await MessagesAsync());

        Assert.Matches(@"^A7 OK \[APPENDUID \d+ 1:3\]", await AppendAsync("A7", "INBOX " + string.Join(' ', Enumerable.Range(1, 3).Select(i => Literal(Message($"m{i}"))))));
        Assert.Equal("* STATUS \"INBOX\" (MESSAGES 3)", await MessagesAsync());
    }

    [Fact]
    public async Task A_refusal_met_inside_the_write_takes_back_the_messages_stored_before_it()
    {
        // The quota is counted again inside the write, where a racing delivery may have filled the mailbox since
        // the command checked: the messages of the batch stored before the refusal are rolled back with it.
        await using var small = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Limits:MaxMessagesPerMailbox"] = "2" });
        var box = await small.CreateMailboxAsync();
        var ingest = small.Services.GetRequiredService<MessageIngest>();
        async Task<List<(PreparedMessage, IngestOptions)>> BatchAsync(int count)
        {
            var batch = new List<(PreparedMessage, IngestOptions)>();
            for (var i = 0; i < count; i++)
                batch.Add((await ingest.PrepareAsync(Encoding.ASCII.GetBytes(Message($"m{i}"))), new IngestOptions(MailboxEventType.Received, 1_700_000_000_000 + i)));
            return batch;
        }
        using var rest = small.Rest(box.Key);
        async Task<long> CountAsync() => (await rest.GetJsonAsync($"/v1/mailboxes/{box.Address}/folders")).EnumerateArray().Sum(f => f.GetProperty("messages").GetInt64());

        var refused = await ingest.StoreAllAsync(box.Id, "INBOX", await BatchAsync(3));
        Assert.Equal(StoreRefusal.OverQuota, Assert.Single(refused).Refusal);
        Assert.Equal(0, await CountAsync());

        var stored = await ingest.StoreAllAsync(box.Id, "INBOX", await BatchAsync(2));
        Assert.Equal([1L, 2L], stored.Select(s => s.Message!.Uid));
        Assert.Equal(2, await CountAsync());
    }

    [Fact]
    public async Task Mailkit_appends_several_messages_in_one_command()
    {
        var box = await server.CreateMailboxAsync();
        using var client = await server.ImapAsAsync(box);
        Assert.True(client.Capabilities.HasFlag(MailKit.Net.Imap.ImapCapabilities.MultiAppend));
        var requests = Enumerable.Range(1, 3).Select(i =>
        {
            var message = new MimeMessage { Subject = $"mailkit {i}" };
            message.From.Add(MailboxAddress.Parse("a@example.test"));
            message.Body = new TextPart("plain") { Text = $"number {i}" };
            return (IAppendRequest)new AppendRequest(message, i == 2 ? MessageFlags.Flagged : MessageFlags.None);
        }).ToList();
        var uids = await client.Inbox.AppendAsync(requests);
        Assert.Equal([1u, 2u, 3u], uids.Select(u => u.Id));
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var summaries = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Flags | MessageSummaryItems.Envelope);
        Assert.Equal(["mailkit 1", "mailkit 2", "mailkit 3"], summaries.Select(s => s.Envelope!.Subject));
        Assert.True(summaries[1].Flags!.Value.HasFlag(MessageFlags.Flagged));
    }
}
