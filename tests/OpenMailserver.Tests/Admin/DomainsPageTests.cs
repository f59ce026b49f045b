using Bunit;
using Grpc.Core;
using OpenMailserver.Admin.Components.Pages;
using OpenMailserver.V1;

namespace OpenMailserver.Tests.Admin;

public sealed class DomainsPageTests : DashboardTestContext
{
    [Fact]
    public async Task Shows_each_domains_records_with_copy_buttons_the_host_last_and_the_zone()
    {
        await SignInAsync();
        Api.On<GetDnsPlanRequest>("GetDnsPlan", r => new DnsPlanResponse
            {
                Records =
                {
                    Record("example.test", "A", "mail.example.test.", r.PublicIp.Length > 0 ? r.PublicIp : "<public IP address>"),
                    Record("example.test", "MX", "example.test.", "10 mail.example.test."),
                    Record("example.test", "TXT", "oms._domainkey.example.test.", "v=DKIM1; k=rsa; p=MIIB"),
                    Record("other.test", "MX", "other.test.", "10 mail.example.test."),
                },
                Zone = "example.test. 3600 IN MX 10 mail.example.test.",
            })
            .On<ListMailboxesRequest>("ListMailboxes", _ => new ListMailboxesResponse { Mailboxes = { Mailbox("a@example.test"), Mailbox("b@example.test") } });

        var page = RenderWithProviders<Domains>();
        page.WaitForAssertion(() => Assert.Contains("example.test · 2 mailbox(es)", page.Markup));
        Assert.Contains("other.test · 0 mailbox(es)", page.Markup);
        var sections = page.FindAll("[id^=domain-] h6, #mail-host h6").Select(h => h.TextContent).ToList();
        Assert.Equal(["example.test · 2 mailbox(es)", "other.test · 0 mailbox(es)", "The mail host itself"], sections);
        Assert.NotNull(page.Find("[aria-label='Copy the TXT value for oms._domainkey.example.test.']"));
        Assert.Contains("IN MX 10 mail.example.test.", page.Find("#zone").TextContent);

        page.Find("input").Input("203.0.113.7");
        await Button(page, "Show the records").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("203.0.113.7", page.Markup));
        Assert.Equal("203.0.113.7", LastRequest<GetDnsPlanRequest>("GetDnsPlan").PublicIp);
    }

    [Fact]
    public async Task Checks_show_each_finding_with_its_fix_and_a_refusal_as_a_snackbar()
    {
        await SignInAsync();
        Api.On<GetDnsPlanRequest>("GetDnsPlan", _ => new DnsPlanResponse())
            .On<GetDeliverabilityReportRequest>("GetDeliverabilityReport", _ => OverviewPageTests.Health("error",
                ("mx example.test", "fail", "example.test has no MX record; publish MX 10 mail.example.test."),
                ("dkim example.test", "pass", "The published key is the one the server signs with.")));
        var page = RenderWithProviders<Domains>();
        page.WaitForAssertion(() => Assert.Contains("No hosted domain yet", page.Markup));

        await Button(page, "Check DNS now").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("publish MX 10 mail.example.test.", page.Markup));
        Assert.Contains("The published key is the one the server signs with.", page.Markup);

        Api.Fails("GetDeliverabilityReport", StatusCode.NotFound, "Debug endpoints are turned off (Debug:Enabled).");
        await Button(page, "Check DNS now").ClickAsync(new());
        AssertSnackbar(page, "Debug endpoints are turned off");
    }

    [Fact]
    public async Task A_refused_plan_shows_the_servers_message()
    {
        await SignInAsync();
        Api.Fails("GetDnsPlan", StatusCode.PermissionDenied, "This API key lacks the debug:read scope.");
        var page = RenderWithProviders<Domains>();
        page.WaitForAssertion(() => Assert.Contains("lacks the debug:read scope", page.Find(".mud-alert").TextContent));
    }

    private static DnsRecord Record(string domain, string type, string name, string value) =>
        new() { Domain = domain, Type = type, Name = name, Value = value, Purpose = "why", Required = true };
}
