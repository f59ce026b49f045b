using System.Net.Http.Json;
using System.Text;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Smtp;

/// <summary>Command lines SmtpServer 11.1 gets wrong on its own: RCPT TO:&lt;postmaster&gt; (RFC 5321 §4.5.1),
/// a MAIL FROM that repeats a parameter, and lines without end.</summary>
public sealed class CommandLineTests : IAsyncLifetime
{
    private readonly MailServer _server = new(new Dictionary<string, string?> { ["OpenMailserver:Domain"] = "example.test" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<SmtpConversation> OpenMxAsync()
    {
        var smtp = await SmtpConversation.OpenAsync(_server.Started().MxPort);
        Assert.StartsWith("220 ", await smtp.ReplyAsync());
        Assert.StartsWith("250", await smtp.CommandAsync("EHLO client.test"));
        return smtp;
    }

    [Fact]
    public async Task Rcpt_to_bare_postmaster_is_accepted_and_delivered_to_the_primary_domains_postmaster()
    {
        var boss = await _server.CreateMailboxAsync();
        using (var admin = _server.Rest(_server.AdminKey))
            (await admin.PostAsJsonAsync("/v1/aliases", new { source = "postmaster@example.test", destination = boss.Address })).EnsureSuccessStatusCode();

        await using var smtp = await OpenMxAsync();
        Assert.Equal("250 Ok", await smtp.CommandAsync("MAIL FROM:<someone@elsewhere.test>"));
        Assert.Equal("250 Ok", await smtp.CommandAsync("RCPT TO:<Postmaster>"));
        Assert.StartsWith("354 ", await smtp.CommandAsync("DATA"));
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await smtp.CommandAsync("Subject: to the postmaster\r\n\r\nHello.\r\n."));

        using var reader = _server.Rest(boss.Key);
        var message = Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{boss.Address}/messages")).EnumerateArray());
        Assert.Equal("to the postmaster", message.GetProperty("subject").GetString());
        var raw = Encoding.UTF8.GetString(await StoreInspector.RawMessageAsync(_server.DataDirectory, message.GetProperty("id").GetString()!));
        Assert.Contains("for <postmaster@example.test>", raw);

        // Bad beside good: a local part that only starts like postmaster is still a syntax error.
        Assert.Equal("250 Ok", await smtp.CommandAsync("MAIL FROM:<someone@elsewhere.test>"));
        Assert.StartsWith("502 Unrecognized command", await smtp.CommandAsync("RCPT TO:<postmasters>"));
    }

    [Fact]
    public async Task A_repeated_mail_parameter_gets_501_and_the_session_goes_on()
    {
        var box = await _server.CreateMailboxAsync();
        await using var smtp = await OpenMxAsync();
        Assert.Equal("501 5.5.4 Duplicate MAIL FROM parameter SIZE", await smtp.CommandAsync("MAIL FROM:<a@elsewhere.test> SIZE=1 SIZE=2"));
        Assert.Equal("501 5.5.4 Duplicate MAIL FROM parameter body", await smtp.CommandAsync("mail from:<a@elsewhere.test> BODY=8BITMIME body=7BIT"));
        Assert.Equal("250 Ok", await smtp.CommandAsync("MAIL FROM:<a@elsewhere.test> SIZE=100 BODY=8BITMIME"));
        Assert.Equal("250 Ok", await smtp.CommandAsync($"RCPT TO:<{box.Address}>"));
        Assert.StartsWith("354 ", await smtp.CommandAsync("DATA"));
        // A message line that looks like a bad command is the message's, untouched.
        Assert.StartsWith("250 2.0.0 ", await smtp.CommandAsync("Subject: kept\r\n\r\nMAIL FROM:<x@y.test> SIZE=1 SIZE=2\r\n."));

        using var reader = _server.Rest(box.Key);
        var raw = Encoding.UTF8.GetString(await StoreInspector.RawMessageAsync(_server.DataDirectory,
            (await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages"))[0].GetProperty("id").GetString()!));
        Assert.EndsWith("\r\nMAIL FROM:<x@y.test> SIZE=1 SIZE=2\r\n", raw);
    }

    [Fact]
    public async Task A_parameter_that_is_not_esmtp_syntax_gets_501_and_the_session_goes_on()
    {
        await using var smtp = await OpenMxAsync();
        // Found by the SMTP argument property: the library dropped the session on this line without a reply.
        Assert.Equal("501 5.5.4 Invalid MAIL FROM parameter", await smtp.CommandAsync("MAIL FROM:<a@[127.0.0.1]> X-=)\"é RET=y.$Dx L=.ß"));
        Assert.Equal("501 5.5.4 Invalid MAIL FROM parameter", await smtp.CommandAsync("MAIL FROM:<a@elsewhere.test> =1"));
        Assert.Equal("250 Ok", await smtp.CommandAsync("MAIL FROM:<a@elsewhere.test> SIZE=10 X-TRACE=a.b"));
        Assert.Equal("501 5.5.4 Invalid RCPT TO parameter", await smtp.CommandAsync("RCPT TO:<a@elsewhere.test> NOTIFY=é"));
        Assert.Equal("250 Ok", await smtp.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task A_command_line_beyond_the_bound_ends_the_session_with_500()
    {
        await using var smtp = await OpenMxAsync();
        Assert.Equal("500 5.5.2 Line too long", await smtp.CommandAsync("NOOP " + new string('x', 3000)));
        Assert.True(await smtp.ClosedAsync(TimeSpan.FromSeconds(5)));

        await using var endless = await OpenMxAsync();
        await endless.SendAsync("NOOP " + new string('x', 3000));
        Assert.Equal("500 5.5.2 Line too long", await endless.ReplyAsync());

        // Within the bound, the line reaches the parser (which knows no such command) and the session goes on.
        await using var fine = await OpenMxAsync();
        Assert.StartsWith("502 Unrecognized command", await fine.CommandAsync("NOOP " + new string('x', 1900)));
        Assert.StartsWith("250 ", await fine.CommandAsync("NOOP"));
    }
}
