using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Delivery;

/// <summary><c>Delivery:Mode=relay</c>: everything leaves through one smarthost, always over TLS, with a login
/// when one is configured.</summary>
public sealed class RelayTests
{
    [Fact]
    public async Task Relay_with_auth_over_starttls_hands_mail_to_the_smarthost()
    {
        // The smarthost is another Open Mailserver where our sender has an account, as with a provider's relay.
        await using var smarthost = new MailServer(DeliverySettings.For("shared.test"));
        var account = await smarthost.CreateMailboxAsync("relay", "shared.test");

        var settings = DeliverySettings.For("shared.test");
        settings["OpenMailserver:Delivery:Mode"] = "relay";
        settings["OpenMailserver:Delivery:RelayHost"] = "127.0.0.1";
        settings["OpenMailserver:Delivery:RelayPort"] = smarthost.Started().SubmissionPort.ToString();
        settings["OpenMailserver:Delivery:RelayUsername"] = account.Address;
        settings["OpenMailserver:Delivery:RelayPassword"] = account.Password;
        settings["OpenMailserver:Delivery:RelayVerifyCertificate"] = "false";
        await using var a = new MailServer(settings);
        var sender = await a.CreateMailboxAsync("relay", "shared.test");
        using var rest = a.Rest(sender.Key);
        using var admin = a.Rest(a.AdminKey);

        var id = (await rest.SendAsync(new { sender = sender.Address, recipients = new[] { "carol@faraway.test" }, subject = "Via the relay", text_body = "x" }))
            .GetProperty("id").GetInt64();
        var trace = await admin.WaitForStateAsync(id, "sent");
        var route = Assert.Single(trace.Events("route")).GetProperty("details");
        Assert.Equal("relay", route.GetProperty("route").GetString());
        Assert.True(route.GetProperty("require_tls").GetBoolean());
        Assert.True(Assert.Single(trace.Events("connected")).GetProperty("details").GetProperty("tls").GetBoolean());

        // The smarthost took it as a submission from the account and queued it onwards.
        using var smarthostAccount = smarthost.Rest(account.Key);
        var relayed = Assert.Single((await smarthostAccount.GetJsonAsync("/v1/outbound")).EnumerateArray());
        Assert.Equal("Via the relay", relayed.GetProperty("subject").GetString());
        Assert.Equal(["carol@faraway.test"], relayed.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Relay_without_tls_is_never_used_in_clear()
    {
        await using var postfix = new PostfixServer("pf.test", ["carol"], tls: false);
        await postfix.StartAsync();
        var settings = DeliverySettings.For("a.test", retries: 30);
        settings["OpenMailserver:Delivery:Mode"] = "relay";
        settings["OpenMailserver:Delivery:RelayHost"] = "127.0.0.1";
        settings["OpenMailserver:Delivery:RelayPort"] = postfix.Port.ToString();
        await using var a = new MailServer(settings);
        var agent = await a.CreateMailboxAsync("agent", "a.test");
        using var rest = a.Rest(agent.Key);
        using var admin = a.Rest(a.AdminKey);

        var id = (await rest.SendAsync(new { sender = agent.Address, recipients = new[] { "carol@pf.test" }, subject = "clear?", text_body = "x" })).GetProperty("id").GetInt64();
        var trace = await admin.WaitForAsync(id, t => t.Events("deferred").Any());
        Assert.Contains("does not offer STARTTLS", Assert.Single(trace.Events("deferred")).GetProperty("details").GetProperty("reason").GetString());
        Assert.DoesNotContain("data", trace.EventTypes());
        Assert.Empty(await postfix.WaitForMaildirAsync("carol", seconds: 0));
    }
}
