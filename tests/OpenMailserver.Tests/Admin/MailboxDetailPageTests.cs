using Bunit;
using Grpc.Core;
using OpenMailserver.Admin.Components.Pages;
using OpenMailserver.V1;

namespace OpenMailserver.Tests.Admin;

public sealed class MailboxDetailPageTests : DashboardTestContext
{
    private readonly List<ApiKeyInfo> _keys = [new() { Id = 1, Name = "default", Prefix = "oms_abcd", Scopes = { "mail:read", "mail:send" }, CreatedAt = Now() }];

    public MailboxDetailPageTests()
    {
        Api.On<MailboxRef>("GetMailbox", r => Mailbox(r.Address))
            .On<MailboxRef>("ListApiKeys", _ => new ListApiKeysResponse { Keys = { _keys } })
            .On<IssueApiKeyRequest>("IssueApiKey", r =>
            {
                _keys.Add(new ApiKeyInfo { Id = 2, Name = r.Name, Prefix = "oms_efgh", CreatedAt = Now() });
                return new IssuedApiKey { Id = 2, Key = "oms_efgh-the-whole-key" };
            })
            .On<RevokeApiKeyRequest>("RevokeApiKey", r =>
            {
                var key = _keys.Single(k => k.Id == r.Id);
                key.RevokedAt = Now();
                return key;
            })
            .On<ResetPasswordRequest>("ResetPassword", _ => new ResetPasswordResponse { Password = "New-Password-Shown-Once-7" })
            .On<MailboxRef>("DisableMailbox", r => Mailbox(r.Address, active: false));
    }

    [Fact]
    public async Task Shows_the_mailbox_its_keys_and_client_settings()
    {
        await SignInAsync();
        var page = RenderWithProviders<MailboxDetail>(p => p.Add(m => m.Address, "zoe@example.test"));
        page.WaitForAssertion(() => Assert.Contains("default", page.Find("td[data-label=Name]").TextContent));
        Assert.Contains("oms_abcd…", page.Markup);
        Assert.Contains("mail:read, mail:send", page.Markup);
        Assert.Contains("never", page.Find("td[data-label='Last used']").TextContent);
        Assert.Contains("mail.example.test, port 993, SSL/TLS", page.Markup);
        Assert.Equal("/admin/messages/zoe@example.test", page.FindAll("a").Single(a => a.TextContent.Contains("Messages")).GetAttribute("href"));
    }

    [Fact]
    public async Task Issuing_a_key_needs_a_name_and_shows_the_key_once()
    {
        await SignInAsync();
        var page = RenderWithProviders<MailboxDetail>(p => p.Add(m => m.Address, "zoe@example.test"));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("td[data-label=Name]")));
        await Button(page, "Issue key").ClickAsync(new());
        AssertSnackbar(page, "Name the key first");
        Assert.Equal(0, CallsTo("IssueApiKey"));

        page.Find("input[placeholder='Name of a new key']").Input("billing-agent");
        await Button(page, "Issue key").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal("oms_efgh-the-whole-key", page.Find("#shown-secret").TextContent));
        Assert.Equal(("zoe@example.test", "billing-agent"), (LastRequest<IssueApiKeyRequest>("IssueApiKey").Address, LastRequest<IssueApiKeyRequest>("IssueApiKey").Name));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("td[data-label=Name]").Count));
    }

    [Fact]
    public async Task Revoking_and_resetting_ask_first()
    {
        await SignInAsync();
        var page = RenderWithProviders<MailboxDetail>(p => p.Add(m => m.Address, "zoe@example.test"));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("td[data-label=Name]")));

        ClickAndAnswer(page, "Revoke", "Cancel");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-dialog")));
        Assert.Equal(0, CallsTo("RevokeApiKey"));
        ClickAndAnswer(page, "Revoke", "Revoke");
        page.WaitForAssertion(() => Assert.Contains("revoked", page.Markup));
        Assert.Equal(1, LastRequest<RevokeApiKeyRequest>("RevokeApiKey").Id);

        ClickAndAnswer(page, "Reset password", "Cancel");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-dialog")));
        Assert.Equal(0, CallsTo("ResetPassword"));
        ClickAndAnswer(page, "Reset password", "Reset");
        page.WaitForAssertion(() => Assert.Equal("New-Password-Shown-Once-7", page.Find("#shown-secret").TextContent));

        ClickAndAnswer(page, "Disable", "Disable");
        page.WaitForAssertion(() => Assert.NotNull(page.FindAll("button").Single(b => b.TextContent.Trim() == "Enable")));
    }

    [Fact]
    public async Task An_unknown_mailbox_shows_the_servers_message()
    {
        await SignInAsync();
        Api.Fails("GetMailbox", StatusCode.NotFound, "No mailbox nobody@example.test.");
        var page = RenderWithProviders<MailboxDetail>(p => p.Add(m => m.Address, "nobody@example.test"));
        page.WaitForAssertion(() => Assert.Contains("No mailbox nobody@example.test.", page.Find(".mud-alert").TextContent));
    }
}
