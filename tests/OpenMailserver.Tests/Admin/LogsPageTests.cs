using Bunit;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using OpenMailserver.Admin.Components.Pages;
using OpenMailserver.V1;

namespace OpenMailserver.Tests.Admin;

public sealed class LogsPageTests : DashboardTestContext
{
    [Fact]
    public async Task Tails_the_log_live_at_the_chosen_level()
    {
        await SignInAsync();
        var round = 0;
        Api.On<GetLogsRequest>("GetLogs", r =>
        {
            round++;
            return Lines($"2026-11-26T01:00:00.000Z Information OpenMailserver.Smtp: round {round}", "2026-11-26T01:00:01.000Z Warning OpenMailserver.Delivery: deferred");
        });
        var page = RenderWithProviders<Logs>(p => p.Add(l => l.RefreshEvery, TimeSpan.FromMilliseconds(100)));
        page.WaitForAssertion(() => Assert.Contains("round 1", page.Find("pre.log").TextContent));
        Assert.Equal("information", LastRequest<GetLogsRequest>("GetLogs").Level);
        Assert.Contains("color: var(--mud-palette-warning)", page.FindAll("pre.log span")[1].GetAttribute("style"));
        page.WaitForAssertion(() => Assert.Contains("round 3", page.Find("pre.log").TextContent), TimeSpan.FromSeconds(5));

        // Paused, it stops asking.
        page.Find("input[type=checkbox]").Change(false);
        var asked = CallsTo("GetLogs");
        await Task.Delay(400);
        Assert.InRange(CallsTo("GetLogs"), asked, asked + 1);
    }

    [Fact]
    public async Task Shows_an_empty_log()
    {
        await SignInAsync();
        Api.On<GetLogsRequest>("GetLogs", _ => Lines());
        var page = RenderWithProviders<Logs>();
        page.WaitForAssertion(() => Assert.Contains("No lines at this level yet.", page.Markup));
    }

    [Fact]
    public async Task Debug_turned_off_is_explained()
    {
        await SignInAsync();
        Api.Fails("GetLogs", StatusCode.NotFound, "Debug endpoints are turned off (Debug:Enabled).");
        var page = RenderWithProviders<Logs>();
        page.WaitForAssertion(() => Assert.Contains("Debug endpoints are turned off", page.Find(".mud-alert").TextContent));
    }

    private static Report Lines(params string[] lines) => new()
    {
        Status = "ok", Details = new Struct { Fields = { ["lines"] = Value.ForList(lines.Select(Value.ForString).ToArray()) } },
    };
}
