using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>Exchanges in the shape of RFC 3501's examples (§6 and the §8 sample session), with the
/// responses the RFC fixes checked byte for byte.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class ImapRfcExampleTests(SharedMailServer server)
{
    [Fact]
    public async Task Sample_session()
    {
        var box = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapTlsPort, implicitTls: true);
        Assert.StartsWith("* OK ", imap.Greeting);

        // a001 login mrc secret / a001 OK LOGIN completed (we add the capabilities as a response code)
        await imap.SendAsync($"a001 login {box.Address} \"{box.Password}\"\r\n");
        Assert.StartsWith("a001 OK [CAPABILITY IMAP4rev1 ", (await imap.UntilTaggedAsync("a001")).Last());

        // a002 select inbox: FLAGS, EXISTS, RECENT, UIDVALIDITY, then OK [READ-WRITE]
        await imap.SendAsync("a002 select inbox\r\n");
        var select = await imap.UntilTaggedAsync("a002");
        Assert.Equal("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)", select[0]);
        Assert.Contains("* 0 EXISTS", select);
        Assert.Contains("* 0 RECENT", select);
        Assert.Equal("a002 OK [READ-WRITE] SELECT completed", select.Last());

        // C: A003 APPEND saved-messages (\Seen) {310} ... S: A003 OK APPEND completed (with APPENDUID)
        const string message = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nFrom: Fred Foobar <foobar@Blurdybloop.COM>\r\n" +
            "Subject: afternoon meeting\r\nTo: mooch@owatagu.siam.edu\r\nMessage-Id: <B27397-0100000@Blurdybloop.COM>\r\n" +
            "MIME-Version: 1.0\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\nHello Joe, do you think we can meet at 3:30 tomorrow?\r\n";
        Assert.Equal("a003 OK CREATE completed", (await imap.CommandAsyncTagged("a003", "CREATE saved-messages")).Last());
        await imap.SendAsync($"A004 APPEND saved-messages (\\Seen) {{{message.Length}}}\r\n");
        Assert.StartsWith("+ ", await imap.LineAsync());
        await imap.SendAsync(message + "\r\n");
        Assert.Matches(@"^A004 OK \[APPENDUID \d+ 1\] APPEND completed$", (await imap.UntilTaggedAsync("A004")).Last());

        // C: A142 SELECT ... ; a003 fetch 12 full → here 1 full; a004 fetch 1 body[header]
        await imap.CommandAsyncTagged("A142", "SELECT saved-messages");
        var full = await imap.CommandAsyncTagged("a005", "fetch 1 full");
        // Appended before this SELECT, so \Recent here (the RFC's message 12 had been seen before).
        Assert.StartsWith("* 1 FETCH (FLAGS (\\Recent \\Seen) INTERNALDATE \"", full[0]);
        Assert.Contains($"RFC822.SIZE {message.Length} ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800 (PST)\" \"afternoon meeting\" " +
            "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.COM\")) ((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.COM\")) " +
            "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.COM\")) ((NIL NIL \"mooch\" \"owatagu.siam.edu\")) NIL NIL NIL " +
            "\"<B27397-0100000@Blurdybloop.COM>\") BODY (\"text\" \"plain\" (\"charset\" \"US-ASCII\") NIL NIL \"7bit\" 55 1))", full[0]);

        // a006 store 1 +flags \deleted → * 1 FETCH (FLAGS (\Deleted \Seen)); a007 expunge → * 1 EXPUNGE
        Assert.Equal(["* 1 FETCH (FLAGS (\\Deleted \\Recent \\Seen))", "a006 OK STORE completed"], await imap.CommandAsyncTagged("a006", "store 1 +flags \\deleted"));
        Assert.Equal(["* 1 EXPUNGE", "a007 OK EXPUNGE completed"], await imap.CommandAsyncTagged("a007", "expunge"));

        // A042 STATUS blurdybloop (UIDNEXT MESSAGES) → * STATUS blurdybloop (MESSAGES n UIDNEXT m)
        Assert.Equal(["* STATUS \"saved-messages\" (UIDNEXT 2 MESSAGES 0)", "A042 OK STATUS completed"],
            await imap.CommandAsyncTagged("A042", "STATUS saved-messages (UIDNEXT MESSAGES)"));

        // a008 logout → * BYE ..., a008 OK LOGOUT completed
        Assert.Equal(["* BYE Logging out", "a008 OK LOGOUT completed"], await imap.CommandAsyncTagged("a008", "logout"));
    }
}
