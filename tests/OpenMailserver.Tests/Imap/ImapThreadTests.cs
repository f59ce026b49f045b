using MailKit;
using MailKit.Search;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §4): replies under what they answer, a dummy for a
/// referred message that is not there, loops and duplicate Message-IDs kept apart, threads of one subject gathered;
/// a chain thousands of replies long answered without recursion; MailKit reads the trees.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapThreadTests(SharedMailServer server)
{
    private static string Message(int day, string headers) => $"{headers}\r\nFrom: a@x.test\r\nDate: {day} Jan 2023 10:00:00 +0000\r\n\r\nbody\r\n";

    private static async Task AppendAllAsync(ImapConversation imap, IEnumerable<string> messages)
    {
        foreach (var batch in messages.Chunk(100))
        {
            await imap.SendAsync("A APPEND INBOX " + string.Join(' ', batch.Select(m => $"{{{m.Length}+}}\r\n{m}")) + "\r\n");
            Assert.Contains(" OK [APPENDUID", (await imap.UntilTaggedAsync("A"))[^1]);
        }
    }

    private async Task<(TestMailbox Box, ImapConversation Imap)> FolderAsync(IEnumerable<string> messages)
    {
        var box = await server.CreateMailboxAsync();
        var imap = await ImapConversation.LoginAsync(server, box);
        await AppendAllAsync(imap, messages);
        await imap.CommandAsync("SELECT INBOX");
        return (box, imap);
    }

    private static readonly string[] Conversation =
    [
        Message(1, "Message-ID: <a@x>\r\nSubject: topic"),
        Message(2, "Message-ID: <b@x>\r\nIn-Reply-To: <a@x>\r\nReferences: <a@x>\r\nSubject: Re: topic"),
        Message(3, "Message-ID: <c@x>\r\nReferences: <a@x> <b@x>\r\nSubject: Re: topic"),
        Message(4, "Message-ID: <d@x>\r\nIn-Reply-To: <a@x>\r\nSubject: Re: topic"),
        Message(5, "Message-ID: <e@x>\r\nReferences: <missing@x>\r\nSubject: other"),
        Message(6, "Message-ID: <f@x>\r\nReferences: <missing@x>\r\nSubject: Re: other"),
        // No references, but a reply to the same subject: gathered under the original.
        Message(7, "Message-ID: <g@x>\r\nSubject: Re: topic"),
        Message(8, "Subject: lonely"),
        // A loop: each names the other.
        Message(9, "Message-ID: <j@x>\r\nReferences: <k@x>\r\nSubject: loop"),
        Message(10, "Message-ID: <k@x>\r\nReferences: <j@x>\r\nSubject: Re: loop"),
        // Another message claiming <a@x>: the first keeps the Message-ID.
        Message(11, "Message-ID: <a@x>\r\nSubject: dup"),
    ];

    [Fact]
    public async Task References_threads_replies_with_dummies_loops_and_subjects_as_the_rfc_says()
    {
        var (_, imap) = await FolderAsync(Conversation);
        await using var _ = imap;
        var capability = (await imap.CommandAsync("CAPABILITY"))[0];
        Assert.Contains(" THREAD=ORDEREDSUBJECT", capability);
        Assert.Contains(" THREAD=REFERENCES", capability);

        Assert.Equal(["* THREAD (1 (2 3)(4)(7))((5)(6))(8)(10 9)(11)", "T4 OK THREAD completed"], await imap.CommandAsync("THREAD REFERENCES UTF-8 ALL"));
        // The search narrows the messages first. Without 1, the other message claiming its Message-ID takes its replies;
        // without either, they hang from a dummy, which takes in the reply of its subject; without the other dummy's
        // second child, the one left takes its place.
        Assert.Equal("* THREAD (5)(7)(8)(10 9)(11 (2 3)(4))", (await imap.CommandAsync("THREAD REFERENCES UTF-8 NOT (OR 1 6)"))[0]);
        Assert.Equal("* THREAD ((2 3)(4)(7))(5)(8)(10 9)", (await imap.CommandAsync("THREAD REFERENCES UTF-8 NOT (OR 1 OR 6 11)"))[0]);
        Assert.Equal("* THREAD", (await imap.CommandAsync("UID THREAD REFERENCES UTF-8 KEYWORD none"))[0]);
    }

    [Fact]
    public async Task Orderedsubject_makes_one_thread_per_base_subject_and_uid_thread_answers_uids()
    {
        var (_, imap) = await FolderAsync(Conversation);
        await using var _ = imap;
        // Base subjects: topic (1, 2, 3, 4, 7), other (5, 6), lonely (8), loop (9, 10), dup (11).
        Assert.Equal("* THREAD (1 (2)(3)(4)(7))(5 6)(8)(9 10)(11)", (await imap.CommandAsync("THREAD ORDEREDSUBJECT UTF-8 ALL"))[0]);
        await imap.CommandAsync("STORE 1 +FLAGS.SILENT (\\Deleted)");
        await imap.CommandAsync("EXPUNGE");
        Assert.Equal("* THREAD (2 (3)(4)(7))(5 6)(8)(9 10)(11)", (await imap.CommandAsync("UID THREAD ORDEREDSUBJECT UTF-8 ALL"))[0]);
        Assert.Equal("* THREAD (1 (2)(3)(6))(4 5)(7)(8 9)(10)", (await imap.CommandAsync("THREAD ORDEREDSUBJECT UTF-8 ALL"))[0]);

        foreach (var bad in new[] { "THREAD BOGUS UTF-8 ALL", "THREAD REFERENCES", "THREAD REFERENCES UTF-8", "THREAD (REFERENCES) UTF-8 ALL" })
            Assert.Matches(@"^T\d+ BAD ", (await imap.CommandAsync(bad))[^1]);
        Assert.Matches(@"^T\d+ NO \[BADCHARSET", (await imap.CommandAsync("THREAD REFERENCES KOI8-R ALL"))[^1]);
    }

    [Fact]
    public async Task A_message_fills_the_dummy_that_stood_for_it_and_two_originals_of_one_subject_share_a_dummy()
    {
        var (_, imap) = await FolderAsync(
        [
            Message(1, "Message-ID: <x@x>\r\nReferences: <p@x> <q@x>\r\nSubject: Re: chain"),
            Message(2, "Message-ID: <q@x>\r\nReferences: <p@x>\r\nSubject: Re: chain"),
            Message(3, "Message-ID: <h1@x>\r\nSubject: hello"),
            Message(4, "Message-ID: <h2@x>\r\nSubject: hello"),
            // Its own Message-ID among its references is no reference.
            Message(5, "Message-ID: <self@x>\r\nReferences: <q@x> <self@x>\r\nSubject: Re: chain"),
        ]);
        await using var _ = imap;
        Assert.Equal("* THREAD (2 (1)(5))((3)(4))", (await imap.CommandAsync("THREAD REFERENCES UTF-8 ALL"))[0]);
    }

    [Fact]
    public async Task A_chain_of_two_thousand_replies_is_one_line_of_numbers()
    {
        const int Length = 2000;
        var chain = Enumerable.Range(1, Length).Select(n =>
            $"Message-ID: <chain{n}@x>\r\n{(n > 1 ? $"References: <chain{Math.Max(1, n - 3)}@x> <chain{n - 1}@x>\r\n" : "")}Subject: {(n > 1 ? "Re: " : "")}long\r\nFrom: a@x.test\r\n\r\nbody\r\n");
        var (_, imap) = await FolderAsync(chain);
        await using var _ = imap;
        Assert.Equal("* THREAD (" + string.Join(' ', Enumerable.Range(1, Length)) + ")", (await imap.CommandAsync("THREAD REFERENCES UTF-8 ALL"))[0]);
    }

    [Fact]
    public async Task Mailkit_reads_the_threads()
    {
        var (box, imap) = await FolderAsync(Conversation);
        await imap.DisposeAsync();
        using var client = await server.ImapAsAsync(box);
        Assert.Contains(ThreadingAlgorithm.References, client.ThreadingAlgorithms);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var threads = await client.Inbox.ThreadAsync(ThreadingAlgorithm.References, SearchQuery.All);
        Assert.Equal(5, threads.Count);
        Assert.Equal(1u, threads[0].UniqueId!.Value.Id);
        Assert.Equal([2u, 4u, 7u], threads[0].Children.Select(t => t.UniqueId!.Value.Id));
        Assert.Equal(3u, threads[0].Children[0].Children.Single().UniqueId!.Value.Id);
        Assert.Null(threads[1].UniqueId);
        Assert.Equal([5u, 6u], threads[1].Children.Select(t => t.UniqueId!.Value.Id));
    }
}
