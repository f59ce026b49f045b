using Bunit;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using OpenMailserver.Admin.Components.Pages;
using OpenMailserver.V1;

namespace OpenMailserver.Tests.Admin;

public sealed class OverviewPageTests : DashboardTestContext
{
    [Fact]
    public async Task Shows_counts_health_and_recent_outbound_and_refreshes_by_itself()
    {
        await SignInAsync();
        var received = 3;
        Api.On<GetStatsRequest>("GetStats", _ => new ServerStats
            {
                Domains = 2, Mailboxes = 5, DisabledMailboxes = 1, Aliases = 4, ReceivedToday = received++, SentToday = 7,
                OutboundByState = { ["sent"] = 6, ["deferred"] = 1 },
            })
            .On<GetHealthRequest>("GetHealth", _ => Health("warn", ("certificate", "warn", "The certificate (self-signed) expires in 9 day(s); renew it."),
                ("listeners", "pass", "imaps on 0.0.0.0:993")))
            .On<ListOutboundRequest>("ListOutbound", _ => new ListOutboundResponse
            {
                Messages = { new OutboundMessage { Id = 12, Sender = "agent@example.test", Subject = "Invoice", State = "deferred", CreatedAt = Now() } },
            });

        var page = RenderWithProviders<Overview>(p => p.Add(o => o.RefreshEvery, TimeSpan.FromMilliseconds(100)));
        page.WaitForAssertion(() => Assert.Equal("5", page.Find("[data-figure=Mailboxes]").TextContent));
        Assert.Equal("warn", page.Find("[data-figure=Health]").TextContent);
        Assert.Equal("2", page.Find("[data-figure=Domains]").TextContent);
        Assert.Contains("1 disabled", page.Markup);
        Assert.Equal("7", page.Find("[data-figure='Sent today']").TextContent);
        Assert.Equal("/admin/outbound?state=deferred", page.Find("#outbound-deferred").GetAttribute("href"));
        Assert.Contains("expires in 9 day(s)", page.Markup);
        Assert.Contains("imaps on 0.0.0.0:993", page.Markup);
        Assert.Equal("/admin/outbound/12", page.Find("td[data-label=Subject] a").GetAttribute("href"));

        // It reloads on its own: the received count moves on without a click.
        page.WaitForAssertion(() => Assert.NotEqual("3", page.Find("[data-figure='Received today']").TextContent), TimeSpan.FromSeconds(5));
        Assert.True(CallsTo("GetHealth") >= 2);
    }

    [Fact]
    public async Task Health_turned_off_still_shows_the_counts_and_says_why()
    {
        await SignInAsync();
        Api.On<GetStatsRequest>("GetStats", _ => new ServerStats())
            .On<ListOutboundRequest>("ListOutbound", _ => new ListOutboundResponse())
            .Fails("GetHealth", StatusCode.NotFound, "Debug endpoints are turned off (Debug:Enabled).");
        var page = RenderWithProviders<Overview>();
        page.WaitForAssertion(() => Assert.Contains("Debug endpoints are turned off", page.Markup));
        Assert.Equal("0", page.Find("[data-figure=Mailboxes]").TextContent);
        Assert.Contains("Nothing sent yet.", page.Markup);
    }

    [Fact]
    public async Task A_refused_overview_shows_the_servers_message()
    {
        await SignInAsync();
        Api.Fails("GetStats", StatusCode.PermissionDenied, "This API key lacks the admin scope.");
        var page = RenderWithProviders<Overview>();
        page.WaitForAssertion(() => Assert.Contains("This API key lacks the admin scope.", page.Find(".mud-alert").TextContent));
    }

    internal static Report Health(string status, params (string Name, string Status, string Details)[] checks)
    {
        var list = new ListValue();
        foreach (var (name, state, details) in checks)
            list.Values.Add(Value.ForStruct(new Struct { Fields = { ["name"] = Value.ForString(name), ["status"] = Value.ForString(state), ["details"] = Value.ForString(details) } }));
        return new Report { Status = status, Details = new Struct { Fields = { ["checks"] = Value.ForList(list.Values.ToArray()) } } };
    }
}
