extern alias ServerAssembly;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ServerAssembly::OpenMailserver.Server.Storage;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>A message's MIME structure is read once, when it is stored, and kept beside it: FETCH of FLAGS,
/// RFC822.SIZE, ENVELOPE, BODY and BODYSTRUCTURE reads no message file. Shown by taking the file away: the
/// answer is the same, while a fetch of the body itself finds nothing to send.</summary>
public sealed class StoredStructureTests
{
    private const string Message =
        "From: \"Ann Example\" <ann@example.test>\r\nTo: bob@example.test, team: carl@example.test;\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\n" +
        "Date: Mon, 7 Dec 2026 10:00:00 +0000\r\nMessage-ID: <m1@example.test>\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\nthere\r\n" +
        "--b1\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\nFrom: x@y.test\r\n\r\ninner body\r\n" +
        "--b1\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\n" +
        "Content-Transfer-Encoding: base64\r\nContent-ID: <pdf@x>\r\n\r\nJVBERi0=\r\n--b1--\r\n";

    private const string Items = "(UID FLAGS RFC822.SIZE ENVELOPE BODY BODYSTRUCTURE)";

    [Fact]
    public async Task Fetch_of_envelope_and_body_structure_reads_no_message_file()
    {
        await using var server = new MailServer();
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await AppendAsync(imap);
        Assert.EndsWith("OK [READ-WRITE] SELECT completed", (await imap.CommandAsync("SELECT INBOX")).Last());
        var before = await imap.CommandAsync($"FETCH 1 {Items}");
        Assert.StartsWith("* 1 FETCH (UID 1 FLAGS (\\Recent) RFC822.SIZE ", before[0]);
        Assert.Contains("ENVELOPE (\"Mon, 7 Dec 2026 10:00:00 +0000\" \"=?utf-8?q?caf=C3=A9?=\"", before[0]);
        Assert.Contains("(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" ", before[0]);

        await TakeTheFilesAwayAsync(server, box);
        var after = await imap.CommandAsync($"FETCH 1 {Items}");
        Assert.Equal(before[0], after[0]);
        Assert.EndsWith("OK FETCH completed", after.Last());
        // The file is really gone: the body itself cannot be sent.
        Assert.DoesNotContain(await imap.CommandAsync("FETCH 1 BODY.PEEK[1]"), l => l.StartsWith("* 1 FETCH"));

        // A copy keeps the structure of its original.
        Assert.Contains(" OK [COPYUID ", (await imap.CommandAsync("COPY 1 Drafts")).Last());
        await imap.CommandAsync("SELECT Drafts");
        var copy = await imap.CommandAsync($"FETCH 1 {Items}");
        Assert.Equal(Structure(before[0]), Structure(copy[0]));
    }

    [Fact]
    public async Task A_structure_too_large_to_keep_is_not_stored_and_the_message_is_shown_from_its_file()
    {
        await using var server = new MailServer();
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        // One header value of 300 KB: kept, it would be a 300 KB structure read back with every FETCH.
        var message = $"Subject: big\r\nContent-Type: text/plain\r\nContent-Description: {new string('d', 300_000)}\r\n\r\nx\r\n";
        await imap.SendAsync($"A1 APPEND INBOX {{{message.Length}+}}\r\n{message}\r\n");
        Assert.Contains(" OK [APPENDUID", (await imap.UntilTaggedAsync("A1")).Last());
        var messages = server.Services.GetRequiredService<IMessageRepository>();
        var inbox = (await messages.FindFolderAsync(box.Id, "INBOX"))!.Id;
        var stored = (await messages.ListEntriesAsync(inbox, await messages.ListUidsAsync(inbox))).Single();
        Assert.Empty(await messages.ReadStructuresAsync([stored.Id]));

        await imap.CommandAsync("SELECT INBOX");
        var line = (await imap.CommandAsync("FETCH 1 (BODYSTRUCTURE)"))[0];
        Assert.StartsWith("* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL {300000}", line);
    }

    [Fact]
    public async Task Messages_stored_before_the_structure_was_kept_get_it_in_the_background()
    {
        var directory = TestPaths.NewTempDirectory();
        TestMailbox box;
        List<string> before;
        await using (var first = new MailServer(dataDirectory: directory))
        {
            box = await first.CreateMailboxAsync();
            await using var imap = await ImapConversation.LoginAsync(first, box);
            await AppendAsync(imap);
            await imap.CommandAsync("SELECT INBOX");
            before = await imap.CommandAsync($"FETCH 1 {Items}");
        }
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "openmailserver.db")};Pooling=False"))
            // As a data directory from before migration 11 leaves it.
            await connection.ExecuteAsync("DELETE FROM message_structures; DELETE FROM server_state WHERE key = 'message_structures_complete'");

        await using var second = new MailServer(dataDirectory: directory);
        var messages = second.Services.GetRequiredService<IMessageRepository>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await messages.ListWithoutStructureAsync("", 10)).Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Empty(await messages.ListWithoutStructureAsync("", 10));

        await TakeTheFilesAwayAsync(second, box);
        await using var again = await ImapConversation.LoginAsync(second, box);
        await again.CommandAsync("SELECT INBOX");
        Assert.Equal(Structure(before[0]), Structure((await again.CommandAsync($"FETCH 1 {Items}"))[0]));
    }

    /// <summary>The line from RFC822.SIZE on (\Recent belongs to the first session that saw the message).</summary>
    private static string Structure(string line) => line[line.IndexOf(" RFC822.SIZE", StringComparison.Ordinal)..];

    private static async Task AppendAsync(ImapConversation imap)
    {
        await imap.SendAsync($"A1 APPEND INBOX {{{Message.Length}+}}\r\n{Message}\r\n");
        Assert.Contains(" OK [APPENDUID", (await imap.UntilTaggedAsync("A1")).Last());
    }

    private static async Task TakeTheFilesAwayAsync(MailServer server, TestMailbox box)
    {
        var blobs = server.Services.GetRequiredService<BlobStore>();
        var messages = server.Services.GetRequiredService<IMessageRepository>();
        foreach (var folder in await messages.ListFoldersAsync(box.Id))
            foreach (var entry in await messages.ListEntriesAsync(folder.Id, await messages.ListUidsAsync(folder.Id)))
                if (File.Exists(blobs.PathFor(entry.Blob))) File.Delete(blobs.PathFor(entry.Blob));
    }
}
