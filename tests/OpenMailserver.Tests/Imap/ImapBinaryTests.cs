using System.Text;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>BINARY (RFC 3516): FETCH BINARY[part], BINARY.PEEK and BINARY.SIZE give a part with its
/// Content-Transfer-Encoding undone, as a literal8 when it holds a NUL; an encoding the server cannot undo is
/// UNKNOWN-CTE; APPEND takes a literal8, but no NUL byte, which only a BINARY response could carry back.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapBinaryTests(SharedMailServer server)
{
    private const string Multipart =
        "From: a@example.test\r\nSubject: binary\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 =3D ok\r\n" +
        "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwBhYmM=\r\n" +
        "--b\r\nContent-Type: application/x-odd\r\nContent-Transfer-Encoding: x-gzip64\r\n\r\nabcd\r\n" +
        "--b--\r\n";

    private async Task<ImapConversation> FolderWithAsync(string message)
    {
        var box = await server.CreateMailboxAsync();
        var imap = await ImapConversation.LoginAsync(server, box);
        await imap.SendAsync($"A1 APPEND INBOX {{{message.Length}+}}\r\n{message}\r\n");
        Assert.Contains(" OK [APPENDUID", (await imap.UntilTaggedAsync("A1"))[^1]);
        await imap.CommandAsync("SELECT INBOX");
        return imap;
    }

    [Fact]
    public async Task Parts_come_decoded_with_their_sizes_and_a_nul_makes_a_literal8()
    {
        await using var imap = await FolderWithAsync(Multipart);
        Assert.Contains(" BINARY", (await imap.CommandAsync("CAPABILITY"))[0]);

        Assert.Equal(["* 1 FETCH (BINARY.SIZE[1] 10 BINARY.SIZE[2] 8)", "T4 OK FETCH completed"], await imap.CommandAsync("FETCH 1 (BINARY.SIZE[1] BINARY.SIZE[2])"));
        Assert.Equal("* 1 FETCH (BINARY[1] {10}\r\ncafé = ok)", (await imap.CommandAsync("FETCH 1 BINARY.PEEK[1]"))[0]);
        Assert.Equal("* 1 FETCH (BINARY[2] ~{8}\r\n\0\u0001\u0002\u0003\0abc)", (await imap.CommandAsync("FETCH 1 BINARY.PEEK[2]"))[0]);
        // A partial range counts decoded bytes, and the response names its start.
        Assert.Equal("* 1 FETCH (BINARY[2]<4> ~{3}\r\n\0ab)", (await imap.CommandAsync("FETCH 1 BINARY.PEEK[2]<4.3>"))[0]);
        Assert.Equal("* 1 FETCH (BINARY[2]<1> {3}\r\n\u0001\u0002\u0003)", (await imap.CommandAsync("FETCH 1 BINARY.PEEK[2]<1.3>"))[0]);
        // No part number: the message as stored; a part that is not there is empty, as BODY[] answers.
        Assert.Equal($"* 1 FETCH (BINARY[] {{{Multipart.Length}}}\r\n{Multipart})", (await imap.CommandAsync("FETCH 1 BINARY.PEEK[]"))[0]);
        Assert.Equal("* 1 FETCH (BINARY[9] \"\")", (await imap.CommandAsync("FETCH 1 BINARY.PEEK[9]"))[0]);

        // PEEK left \Seen alone; BINARY sets it.
        Assert.Matches(@"^\* 1 FETCH \(FLAGS \((\\Recent)?\)\)$", (await imap.CommandAsync("FETCH 1 FLAGS"))[0]);
        Assert.Matches(@"^\* 1 FETCH \(BINARY\[1\] \{10\}\r\ncafé = ok FLAGS \((\\Recent )?\\Seen( \\Recent)?\)\)$", (await imap.CommandAsync("FETCH 1 BINARY[1]"))[0]);
    }

    [Fact]
    public async Task An_encoding_the_server_cannot_undo_is_unknown_cte_and_bad_sections_are_bad()
    {
        await using var imap = await FolderWithAsync(Multipart);
        var unknown = await imap.CommandAsync("FETCH 1 (FLAGS BINARY.PEEK[3])");
        Assert.Single(unknown);
        Assert.StartsWith("T3 NO [UNKNOWN-CTE]", unknown[0]);
        Assert.StartsWith("T4 NO [UNKNOWN-CTE]", (await imap.CommandAsync("FETCH 1 BINARY.SIZE[3]"))[^1]);

        foreach (var bad in new[] { "BINARY[1.MIME]", "BINARY[HEADER]", "BINARY[1.]", "BINARY.SIZE[1]<0.2>", "BINARY[0]", "BINARY.PEEK[1]<0.0>", "BINARY.SIZE" })
            Assert.Matches(@"^T\d+ BAD ", (await imap.CommandAsync($"FETCH 1 {bad}"))[^1]);
        // The folder is still usable after each.
        Assert.Equal("* 1 FETCH (BINARY.SIZE[2] 8)", (await imap.CommandAsync("FETCH 1 BINARY.SIZE[2]"))[0]);
    }

    [Fact]
    public async Task A_single_part_message_is_part_one_and_a_literal8_append_takes_8bit_but_no_nul()
    {
        await using var imap = await FolderWithAsync("Subject: one\r\nContent-Transfer-Encoding: base64 (a comment)\r\n\r\naGVsbG8=\r\n");
        Assert.Equal("* 1 FETCH (BINARY[1] {5}\r\nhello BINARY.SIZE[1] 5)", (await imap.CommandAsync("FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1])"))[0]);
        // Paths that reach the same part (the body of a single-part message is 1, 1.1, …) give the same content.
        Assert.Equal("* 1 FETCH (BINARY.SIZE[1] 5 BINARY.SIZE[1.1] 5 BINARY.SIZE[1.1.1] 5)", (await imap.CommandAsync("FETCH 1 (BINARY.SIZE[1] BINARY.SIZE[1.1] BINARY.SIZE[1.1.1])"))[0]);

        var eightBit = "Subject: raw\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nx\u00e9y\r\n";
        var length = Encoding.UTF8.GetByteCount(eightBit);
        await imap.SendAsync($"A2 APPEND INBOX ~{{{length}+}}\r\n{eightBit}\r\n");
        Assert.Contains(" OK [APPENDUID", (await imap.UntilTaggedAsync("A2"))[^1]);
        await imap.CommandAsync("NOOP");
        Assert.Equal("* 2 FETCH (BINARY[1] {6}\r\nx\u00e9y\r\n)", (await imap.CommandAsync("FETCH 2 BINARY.PEEK[1]"))[0]);

        var nul = "Subject: raw\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\nx\0y\r\n";
        foreach (var marker in new[] { "~{", "{" })
        {
            await imap.SendAsync($"A3 APPEND INBOX {marker}{nul.Length}+}}\r\n{nul}\r\n");
            Assert.StartsWith("A3 NO [UNKNOWN-CTE]", (await imap.UntilTaggedAsync("A3"))[^1]);
        }
        Assert.Equal("* STATUS \"INBOX\" (MESSAGES 2)", (await imap.CommandAsync("STATUS INBOX (MESSAGES)"))[0]);
    }
}
