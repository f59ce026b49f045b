using System.Text;
using MailKit;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>FETCH answers byte for byte from the stored message.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapFetchTests(SharedMailServer server)
{
    private const string Message =
        "From: Alice <alice@example.org>\r\n" +
        "To: bob@example.test\r\n" +
        "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n" +
        "Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n" +
        "Message-ID: <fetch-1@example.org>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
        "\r\n" +
        "--b1\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "\r\n" +
        "Hello Bob,\r\nsee attached.\r\n" +
        "--b1\r\n" +
        "Content-Type: application/octet-stream; name=\"data.bin\"\r\n" +
        "Content-Disposition: attachment; filename=\"data.bin\"\r\n" +
        "Content-Transfer-Encoding: base64\r\n" +
        "\r\n" +
        "AAECAwQFBgcICQ==\r\n" +
        "--b1--\r\n";

    private async Task<ImapConversation> WithMessageAsync()
    {
        var box = await server.CreateMailboxAsync();
        var imap = await ImapConversation.LoginAsync(server, box);
        await imap.SendAsync($"A1 APPEND INBOX {{{Message.Length}+}}\r\n{Message}\r\n");
        Assert.Contains(" OK ", (await imap.UntilTaggedAsync("A1")).Last());
        await imap.CommandAsync("SELECT INBOX");
        return imap;
    }

    [Fact]
    public async Task A_message_that_does_not_begin_with_a_header_field_is_shown_as_a_body_without_header_fields()
    {
        // MimeKit refuses such bytes; a client appended them, so IMAP must still show them, and the session go on.
        const string headerless = "no header here\r\n\r\nthe body\r\n";
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        await imap.SendAsync($"A1 APPEND INBOX {{{headerless.Length}+}}\r\n{headerless}\r\n");
        Assert.Contains(" OK ", (await imap.UntilTaggedAsync("A1")).Last());
        await imap.CommandAsync("SELECT INBOX");

        var fetched = await imap.CommandAsync("FETCH 1 (BODYSTRUCTURE ENVELOPE BODY.PEEK[HEADER] BODY.PEEK[TEXT])");
        Assert.StartsWith("* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" ", fetched[0]);
        Assert.Contains($" ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) BODY[HEADER] {{0}}\r\n BODY[TEXT] {{{headerless.Length}}}\r\n{headerless})", fetched[0]);
        Assert.EndsWith(" OK FETCH completed", fetched[^1]);
        Assert.Equal("* SEARCH 1", (await imap.CommandAsync("SEARCH BODY \"the body\""))[0]);
        Assert.Equal("* SEARCH", (await imap.CommandAsync("SEARCH HEADER Subject x"))[0]);

        // The API reads it the same way.
        using var rest = server.Rest(box.Key);
        var id = (await rest.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages"))[0].GetProperty("id").GetString();
        Assert.Contains("the body", (await rest.GetJsonAsync($"/v1/messages/{id}?address={box.Address}")).GetProperty("text_body").GetString());
    }

    [Fact]
    public async Task Whole_message_header_text_and_size_agree_with_the_stored_bytes()
    {
        await using var imap = await WithMessageAsync();
        var whole = await imap.CommandAsync("FETCH 1 (RFC822.SIZE BODY.PEEK[])");
        Assert.Equal($"* 1 FETCH (RFC822.SIZE {Message.Length} BODY[] {{{Message.Length}}}\r\n{Message})", whole[0]);
        var header = Message[..(Message.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)];
        Assert.Equal($"* 1 FETCH (BODY[HEADER] {{{header.Length}}}\r\n{header})", (await imap.CommandAsync("FETCH 1 BODY.PEEK[HEADER]"))[0]);
        var text = Message[header.Length..];
        Assert.Equal($"* 1 FETCH (BODY[TEXT] {{{text.Length}}}\r\n{text})", (await imap.CommandAsync("FETCH 1 BODY.PEEK[TEXT]"))[0]);
        Assert.Equal("* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT TO)] {59}\r\nTo: bob@example.test\r\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n\r\n)",
            (await imap.CommandAsync("FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject To)]"))[0]);
        Assert.Equal("* 1 FETCH (BODY[]<0> {4}\r\nFrom)", (await imap.CommandAsync("FETCH 1 BODY.PEEK[]<0.4>"))[0]);
        Assert.Equal("* 1 FETCH (BODY[]<6> {5}\r\nAlice)", (await imap.CommandAsync("FETCH 1 BODY.PEEK[]<6.5>"))[0]);
    }

    [Fact]
    public async Task Parts_and_their_mime_headers()
    {
        await using var imap = await WithMessageAsync();
        Assert.Equal("* 1 FETCH (BODY[1] {25}\r\nHello Bob,\r\nsee attached.)", (await imap.CommandAsync("FETCH 1 BODY.PEEK[1]"))[0]);
        Assert.Equal("* 1 FETCH (BODY[2] {16}\r\nAAECAwQFBgcICQ==)", (await imap.CommandAsync("FETCH 1 BODY.PEEK[2]"))[0]);
        Assert.Equal("* 1 FETCH (BODY[1.MIME] {43}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n)", (await imap.CommandAsync("FETCH 1 BODY.PEEK[1.MIME]"))[0]);
        Assert.Equal("* 1 FETCH (BODY[9] \"\")", (await imap.CommandAsync("FETCH 1 BODY.PEEK[9]"))[0]);
    }

    [Fact]
    public async Task Envelope_and_bodystructure()
    {
        await using var imap = await WithMessageAsync();
        Assert.Equal(
            "* 1 FETCH (ENVELOPE (\"Wed, 25 Nov 2026 10:00:00 +0000\" \"=?UTF-8?B?R3LDvMOfZQ==?=\" ((\"Alice\" NIL \"alice\" \"example.org\")) " +
            "((\"Alice\" NIL \"alice\" \"example.org\")) ((\"Alice\" NIL \"alice\" \"example.org\")) ((NIL NIL \"bob\" \"example.test\")) NIL NIL NIL \"<fetch-1@example.org>\"))",
            (await imap.CommandAsync("FETCH 1 ENVELOPE"))[0]);
        Assert.Equal(
            "* 1 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 25 2 NIL NIL NIL NIL)" +
            "(\"application\" \"octet-stream\" (\"name\" \"data.bin\") NIL NIL \"base64\" 16 NIL (\"attachment\" (\"filename\" \"data.bin\")) NIL NIL) " +
            "\"mixed\" (\"boundary\" \"b1\") NIL NIL NIL))",
            (await imap.CommandAsync("FETCH 1 BODYSTRUCTURE"))[0]);
    }

    [Fact]
    public async Task Envelope_keeps_source_routes_and_groups()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.LoginAsync(server, box);
        const string routed =
            "From: <@relay.example:user@domain.example>\r\n" +
            "To: Team: ann@example.org, \"Bo B\" <bo@example.org>;, carl@example.org\r\n" +
            "Cc: Nobody:;\r\n" +
            "Subject: routes\r\n" +
            "\r\n" +
            "x\r\n";
        await imap.SendAsync($"A1 APPEND INBOX {{{routed.Length}+}}\r\n{routed}\r\n");
        Assert.Contains(" OK ", (await imap.UntilTaggedAsync("A1")).Last());
        await imap.CommandAsync("EXAMINE INBOX");
        Assert.Equal(
            "* 1 FETCH (ENVELOPE (NIL \"routes\" ((NIL \"@relay.example\" \"user\" \"domain.example\")) ((NIL \"@relay.example\" \"user\" \"domain.example\")) " +
            "((NIL \"@relay.example\" \"user\" \"domain.example\")) " +
            "((NIL NIL \"Team\" NIL)(NIL NIL \"ann\" \"example.org\")(\"Bo B\" NIL \"bo\" \"example.org\")(NIL NIL NIL NIL)(NIL NIL \"carl\" \"example.org\")) " +
            "((NIL NIL \"Nobody\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL))",
            (await imap.CommandAsync("FETCH 1 ENVELOPE"))[0]);
    }

    [Fact]
    public async Task Body_fetch_without_peek_sets_seen_and_says_so()
    {
        await using var imap = await WithMessageAsync();
        // Appended before this session selected the folder, so \Recent in this session.
        Assert.Equal("* 1 FETCH (FLAGS (\\Recent))", (await imap.CommandAsync("FETCH 1 FLAGS"))[0]);
        var fetch = await imap.CommandAsync("FETCH 1 BODY[1]");
        Assert.Equal("* 1 FETCH (BODY[1] {25}\r\nHello Bob,\r\nsee attached. FLAGS (\\Recent \\Seen))", fetch[0]);
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Recent \\Seen))", (await imap.CommandAsync("UID FETCH 1 FLAGS"))[0]);
    }

    [Fact]
    public async Task Store_variants_and_silent()
    {
        await using var imap = await WithMessageAsync();
        Assert.Equal(["* 1 FETCH (FLAGS (\\Flagged \\Recent \\Seen))", "T3 OK STORE completed"], await imap.CommandAsync("STORE 1 FLAGS (\\Seen \\Flagged)"));
        // A new keyword is announced with FLAGS and PERMANENTFLAGS before a FETCH shows it (RFC 3501 §7.2.6).
        Assert.Equal([
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important)",
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important \\*)] Flags permitted",
            "* 1 FETCH (FLAGS (\\Flagged \\Recent \\Seen $Important))", "T4 OK STORE completed"], await imap.CommandAsync("STORE 1 +FLAGS ($Important)"));
        Assert.Equal(["* 1 FETCH (UID 1 FLAGS (\\Recent \\Seen $Important))", "T5 OK UID STORE completed"], await imap.CommandAsync("UID STORE 1 -FLAGS (\\Flagged)"));
        Assert.Equal(["T6 OK STORE completed"], await imap.CommandAsync("STORE 1 +FLAGS.SILENT (\\Answered)"));
        Assert.Equal("* 1 FETCH (FLAGS (\\Answered \\Recent \\Seen $Important))", (await imap.CommandAsync("FETCH 1 FLAGS"))[0]);
        Assert.StartsWith("T8 BAD", (await imap.CommandAsync("STORE 1 +FLAGS (\\Recent)")).Last());
    }

    [Fact]
    public async Task MailKit_sees_the_same_mime_structure_and_bytes()
    {
        var box = await server.CreateMailboxAsync();
        using var imap = await server.ImapAsAsync(box);
        await imap.Inbox.AppendAsync(MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(Message))));
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var summary = (await imap.Inbox.FetchAsync(0, 0, MessageSummaryItems.BodyStructure | MessageSummaryItems.UniqueId))[0];
        Assert.Equal("data.bin", Assert.Single(summary.Attachments).FileName);
        var part = (MimePart)await imap.Inbox.GetBodyPartAsync(summary.UniqueId, summary.Attachments.Single());
        using var content = new MemoryStream();
        await part.Content!.DecodeToAsync(content);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), content.ToArray());
        using var raw = await imap.Inbox.GetStreamAsync(summary.UniqueId, "");
        using var bytes = new MemoryStream();
        await raw.CopyToAsync(bytes);
        Assert.Equal(Message, Encoding.ASCII.GetString(bytes.ToArray()));
    }
}
