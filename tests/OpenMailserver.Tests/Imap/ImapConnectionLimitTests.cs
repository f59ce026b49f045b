using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>No one client address and no one mailbox can take the IMAP listener's whole pool.</summary>
public sealed class ImapConnectionLimitTests
{
    [Fact]
    public async Task One_address_holds_at_most_its_share_of_connections()
    {
        await using var server = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Imap:MaxSessionsPerAddress"] = "2" });
        await using var first = await ImapConversation.OpenAsync(server.Started().ImapPort, implicitTls: false);
        await using var second = await ImapConversation.OpenAsync(server.ImapPort, implicitTls: false);
        Assert.StartsWith("* OK ", first.Greeting);
        Assert.StartsWith("* OK ", second.Greeting);
        await using (var third = await ImapConversation.OpenAsync(server.ImapPort, implicitTls: false))
            Assert.Equal("* BYE [UNAVAILABLE] Too many connections from your address, try again later", third.Greeting);

        // A connection that ends gives its place back, to either port.
        await first.CommandAsync("LOGOUT");
        await Task.Delay(300);
        await using var again = await ImapConversation.OpenAsync(server.ImapTlsPort, implicitTls: true);
        Assert.StartsWith("* OK ", again.Greeting);
    }

    [Fact]
    public async Task A_mailbox_logged_in_the_limit_of_times_refuses_one_more_login_with_limit()
    {
        await using var server = new MailServer(new Dictionary<string, string?> { ["OpenMailserver:Imap:MaxSessionsPerMailbox"] = "2" });
        var box = await server.CreateMailboxAsync();
        var other = await server.CreateMailboxAsync();
        await using var first = await ImapConversation.LoginAsync(server, box);
        await using var second = await ImapConversation.LoginAsync(server, box);

        await using var third = await ImapConversation.OpenAsync(server.ImapTlsPort, implicitTls: true);
        Assert.Equal([$"T1 NO [LIMIT] {box.Address} has 2 sessions open; log out elsewhere and try again"],
            await third.CommandAsync($"LOGIN {box.Address} \"{box.Password}\""));
        // Another mailbox is not affected, and the refused session may still log in once a place is free.
        await using var neighbour = await ImapConversation.LoginAsync(server, other);
        await first.CommandAsync("LOGOUT");
        await Task.Delay(300);
        Assert.Contains(" OK [CAPABILITY ", (await third.CommandAsync($"LOGIN {box.Address} \"{box.Password}\"")).Last());
    }
}
