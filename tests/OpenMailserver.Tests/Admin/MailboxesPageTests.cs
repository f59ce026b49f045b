using Bunit;
using Grpc.Core;
using OpenMailserver.Admin.Components.Pages;
using OpenMailserver.V1;
using MailboxesPage = OpenMailserver.Admin.Components.Pages.Mailboxes;

namespace OpenMailserver.Tests.Admin;

public sealed class MailboxesPageTests : DashboardTestContext
{
    [Fact]
    public async Task Lists_searches_and_shows_the_empty_search()
    {
        await SignInAsync();
        Api.On<ListMailboxesRequest>("ListMailboxes", _ => new ListMailboxesResponse { Mailboxes = { Mailbox("zoe@example.test"), Mailbox("adam@example.test", active: false) } });
        var page = RenderWithProviders<MailboxesPage>();
        page.WaitForAssertion(() => Assert.Equal(["adam@example.test", "zoe@example.test"], page.FindAll("td[data-label=Address]").Select(c => c.TextContent)));
        Assert.Contains("disabled", page.Markup);
        Assert.Equal("/admin/mailboxes/zoe@example.test", page.FindAll("td[data-label=Address] a")[1].GetAttribute("href"));

        page.Find("input[placeholder=Search]").Input("zoe");
        page.WaitForAssertion(() => Assert.Equal(["zoe@example.test"], page.FindAll("td[data-label=Address]").Select(c => c.TextContent)));
        page.Find("input[placeholder=Search]").Input("nobody");
        page.WaitForAssertion(() => Assert.Contains("No mailbox matches the search.", page.Markup));
    }

    [Fact]
    public async Task Says_what_to_do_when_there_are_none()
    {
        await SignInAsync();
        var empty = RenderWithProviders<MailboxesPage>();
        empty.WaitForAssertion(() => Assert.Contains("No mailboxes yet", empty.Markup));
    }

    [Fact]
    public async Task A_refused_listing_says_why()
    {
        await SignInAsync();
        Api.Fails("ListMailboxes", StatusCode.Unavailable, "");
        var failed = RenderWithProviders<MailboxesPage>();
        AssertSnackbar(failed, "The server did not answer.");
    }

    [Fact]
    public async Task Creating_validates_the_name_and_shows_the_secrets_once_with_client_settings()
    {
        await SignInAsync();
        var page = RenderWithProviders<MailboxesPage>();
        page.FindAll("input")[0].Input("two words");
        page.WaitForAssertion(() => Assert.Contains("without @ or spaces", page.Markup), TimeSpan.FromSeconds(5));
        await Button(page, "Create").ClickAsync(new());
        Assert.Equal(0, CallsTo("CreateMailbox"));

        Api.On<CreateMailboxRequest>("CreateMailbox", r => new CreateMailboxResponse
        {
            Mailbox = Mailbox($"{r.LocalPart}@{r.Domain}"), Password = "Correct-Horse-Battery-42", ApiKey = new IssuedApiKey { Key = "oms_new-key" },
        });
        page.FindAll("input")[0].Input("sales");
        page.FindAll("input")[1].Input("example.test");
        page.WaitForAssertion(() => Assert.DoesNotContain("without @ or spaces", page.Markup));
        await Button(page, "Create").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("sales@example.test</b> is ready", page.Markup));
        Assert.Equal("Correct-Horse-Battery-42", page.Find("#created-password").TextContent);
        Assert.Equal("oms_new-key", page.Find("#created-key").TextContent);
        Assert.Contains("mail.example.test, port 993, SSL/TLS", page.Markup);
        Assert.Contains("mail.example.test, port 587, STARTTLS", page.Markup);
        var create = LastRequest<CreateMailboxRequest>("CreateMailbox");
        Assert.Equal(("sales", "example.test"), (create.LocalPart, create.Domain));
    }

    [Fact]
    public async Task A_refused_create_shows_the_servers_message()
    {
        await SignInAsync();
        Api.On<ListMailboxesRequest>("ListMailboxes", _ => new ListMailboxesResponse { Mailboxes = { Mailbox("zoe@example.test") } });
        Api.Fails("CreateMailbox", StatusCode.AlreadyExists, "zoe@example.test already exists.");
        var page = RenderWithProviders<MailboxesPage>();
        page.WaitForAssertion(() => Assert.Contains("zoe@example.test", page.Markup));
        page.FindAll("input")[0].Input("zoe");
        page.FindAll("input")[1].Input("example.test");
        await Button(page, "Create").ClickAsync(new());
        AssertSnackbar(page, "already exists");
    }

    [Fact]
    public async Task Disabling_asks_first_and_enabling_does_not()
    {
        await SignInAsync();
        Api.On<ListMailboxesRequest>("ListMailboxes", _ => new ListMailboxesResponse { Mailboxes = { Mailbox("zoe@example.test"), Mailbox("adam@example.test", active: false) } })
            .On<MailboxRef>("DisableMailbox", r => Mailbox(r.Address, active: false))
            .On<MailboxRef>("EnableMailbox", r => Mailbox(r.Address));
        var page = RenderWithProviders<MailboxesPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("td[data-label=Address]").Count));

        ClickAndAnswer(page, "Disable", "Cancel");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-dialog")));
        Assert.Equal(0, CallsTo("DisableMailbox"));
        ClickAndAnswer(page, "Disable", "Disable");
        page.WaitForAssertion(() => Assert.Equal("zoe@example.test", LastRequest<MailboxRef>("DisableMailbox").Address));

        await Button(page, "Enable").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal("adam@example.test", LastRequest<MailboxRef>("EnableMailbox").Address));
    }
}
