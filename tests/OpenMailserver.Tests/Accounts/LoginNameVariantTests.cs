using System.Text;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Accounts;

/// <summary>Another spelling of a locked mailbox's address must not log in: the throttle counts every
/// spelling against the mailbox it names, and only the address as it was given out logs in at all.</summary>
public sealed class LoginNameVariantTests
{
    private static readonly string[] Variants = ["{0}.", "{0}..", "<{0}>", " {0}"];

    private static Dictionary<string, string?> Settings() => new()
    {
        ["OpenMailserver:Security:MaxFailedLoginsPerAddress"] = "3",
        ["OpenMailserver:Security:MaxFailedLoginsPerIp"] = "100",
    };

    [Fact]
    public async Task Over_imap_a_locked_mailbox_stays_locked_under_every_spelling_and_variants_never_log_in()
    {
        await using var server = new MailServer(Settings());
        var locked = await server.CreateMailboxAsync();
        var open = await server.CreateMailboxAsync();
        await using var imap = await ImapConversation.OpenAsync(server.Started().ImapTlsPort, implicitTls: true);
        for (var i = 0; i < 3; i++)
            Assert.EndsWith("NO [AUTHENTICATIONFAILED] Invalid credentials", (await imap.CommandAsync($"LOGIN {locked.Address} wrong{i}")).Last());
        Assert.Contains("NO [UNAVAILABLE] Too many failed logins", (await imap.CommandAsync($"LOGIN {locked.Address} \"{locked.Password}\"")).Last());

        foreach (var variant in Variants)
        {
            var name = string.Format(variant, locked.Address);
            var answer = (await imap.CommandAsync($"LOGIN \"{name}\" \"{locked.Password}\"")).Last();
            Assert.DoesNotContain(" OK ", answer);
            Assert.Matches(@"NO \[(UNAVAILABLE|AUTHENTICATIONFAILED)\]", answer);
        }

        // Not locked, right password: a variant is still not a login name (and counts as a failure for the
        // mailbox it spells, so two here stay below the lock); the address itself, in any case, is.
        foreach (var variant in Variants.Take(2))
            Assert.EndsWith("NO [AUTHENTICATIONFAILED] Invalid credentials",
                (await imap.CommandAsync($"LOGIN \"{string.Format(variant, open.Address.ToUpperInvariant())}\" \"{open.Password}\"")).Last());
        Assert.Contains(" OK [CAPABILITY ", (await imap.CommandAsync($"LOGIN {open.Address.ToUpperInvariant()} \"{open.Password}\"")).Last());
    }

    [Fact]
    public async Task Over_smtp_auth_a_locked_mailbox_stays_locked_under_every_spelling_and_variants_never_log_in()
    {
        await using var server = new MailServer(Settings());
        var locked = await server.CreateMailboxAsync();
        var open = await server.CreateMailboxAsync();
        server.Started();

        for (var i = 0; i < 3; i++)
            Assert.Equal("535 5.7.8 Authentication credentials invalid", await AuthAsync(server, locked.Address, "wrong" + i));
        Assert.StartsWith("454 4.7.0 Too many failed logins", await AuthAsync(server, locked.Address, locked.Password));
        Assert.StartsWith("454 4.7.0 Too many failed logins", await AuthAsync(server, $"<{locked.Address}>", locked.Password));
        Assert.StartsWith("454 4.7.0 Too many failed logins", await AuthAsync(server, locked.Address + ".", locked.Password));
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await AuthAsync(server, locked.Address + "..", locked.Password));

        foreach (var variant in Variants.Skip(2))
            Assert.Equal("535 5.7.8 Authentication credentials invalid", await AuthAsync(server, string.Format(variant, open.Address), open.Password));
        Assert.StartsWith("235 ", await AuthAsync(server, open.Address.ToUpperInvariant(), open.Password));
    }

    /// <summary>One AUTH PLAIN on a fresh implicit-TLS submission session; the reply, without the library's retry count.</summary>
    private static async Task<string> AuthAsync(MailServer server, string user, string password)
    {
        await using var smtp = await SmtpConversation.OpenAsync(server.SubmissionTlsPort, implicitTls: true);
        Assert.StartsWith("220 ", await smtp.ReplyAsync());
        Assert.StartsWith("250", await smtp.CommandAsync("EHLO client.test"));
        var reply = await smtp.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}")));
        return reply.Contains("retry(ies) remaining") ? reply[..reply.LastIndexOf(", ", StringComparison.Ordinal)] : reply;
    }
}
