using Bunit;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using OpenMailserver.Admin.Components.Pages;
using OpenMailserver.V1;

namespace OpenMailserver.Tests.Admin;

public sealed class OutboundPageTests : DashboardTestContext
{
    [Fact]
    public async Task Lists_with_the_state_from_the_link_filters_by_sender_and_pages()
    {
        await SignInAsync();
        Api.On<ListOutboundRequest>("ListOutbound", r => r.PageToken == ""
            ? new ListOutboundResponse { Messages = { Sent(1, "First"), Sent(2, "") }, NextPageToken = "next" }
            : new ListOutboundResponse { Messages = { Sent(3, "Third") } });
        Services.GetRequiredService<NavigationManager>().NavigateTo("/admin/outbound?state=deferred");

        var page = RenderWithProviders<Outbound>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("td[data-label=Subject]").Count));
        Assert.Equal("deferred", LastRequest<ListOutboundRequest>("ListOutbound").State);
        Assert.Equal(["First", "(no subject)"], page.FindAll("td[data-label=Subject]").Select(c => c.TextContent.Trim()));
        Assert.Equal("/admin/outbound/1", page.Find("td[data-label=Subject] a").GetAttribute("href"));

        await Button(page, "Show more").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("td[data-label=Subject]").Count));
        Assert.Equal("next", LastRequest<ListOutboundRequest>("ListOutbound").PageToken);
        Assert.DoesNotContain("Show more", page.Markup);

        Api.On<ListOutboundRequest>("ListOutbound", _ => new ListOutboundResponse());
        page.FindAll("input").Single(i => i.GetAttribute("placeholder") == "agent@example.com").Input(" agent@example.test ");
        await Button(page, "Filter").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("Nothing matches these filters.", page.Markup));
        var filtered = LastRequest<ListOutboundRequest>("ListOutbound");
        Assert.Equal(("agent@example.test", "deferred", ""), (filtered.Sender, filtered.State, filtered.PageToken));
    }

    [Fact]
    public async Task The_detail_shows_the_trace_as_a_timeline_and_retries_or_cancels_a_waiting_message()
    {
        await SignInAsync();
        var state = "deferred";
        Api.On<GetOutboundRequest>("GetOutbound", r => Sent(r.Id, "Invoice", state))
            .On<GetMessageTraceRequest>("GetMessageTrace", _ => Trace(("accepted", "", "sender", "agent@example.test"), ("deferred", "far@away.test", "next_attempt_at", "2026-11-26T02:00:00Z")))
            .On<QueueEntryRequest>("RetryQueueEntry", r => new QueueEntry { Id = r.Id, State = "queued" })
            .On<QueueEntryRequest>("CancelQueueEntry", r => { state = "failed"; return new QueueEntry { Id = r.Id, State = "failed" }; });

        var page = RenderWithProviders<OutboundDetail>(p => p.Add(o => o.Id, 42));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(".trace-event").Count));
        Assert.Equal(["accepted", "deferred · far@away.test"], page.FindAll(".trace-event").Select(e => e.TextContent));
        Assert.Contains("2026-11-26T02:00:00Z", page.Markup);

        await Button(page, "Retry now").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(42, LastRequest<QueueEntryRequest>("RetryQueueEntry").Id));

        ClickAndAnswer(page, "Cancel", "Keep trying");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-dialog")));
        Assert.Equal(0, CallsTo("CancelQueueEntry"));
        ClickAndAnswer(page, "Cancel", "Cancel delivery");
        page.WaitForAssertion(() => Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() == "Retry now"));
        Assert.Equal(1, CallsTo("CancelQueueEntry"));
    }

    [Fact]
    public async Task A_sent_message_offers_no_retry_and_a_missing_trace_is_explained()
    {
        await SignInAsync();
        Api.On<GetOutboundRequest>("GetOutbound", r => Sent(r.Id, "Done", "sent"))
            .Fails("GetMessageTrace", StatusCode.NotFound, "Debug endpoints are turned off (Debug:Enabled).");
        var page = RenderWithProviders<OutboundDetail>(p => p.Add(o => o.Id, 7));
        page.WaitForAssertion(() => Assert.Contains("The trace is not available: Debug endpoints are turned off", page.Markup));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() is "Retry now" or "Cancel");
    }

    [Fact]
    public async Task An_unknown_message_shows_the_servers_message()
    {
        await SignInAsync();
        Api.Fails("GetOutbound", StatusCode.NotFound, "No outbound message with id 99.");
        var page = RenderWithProviders<OutboundDetail>(p => p.Add(o => o.Id, 99));
        page.WaitForAssertion(() => Assert.Contains("No outbound message with id 99.", page.Find(".mud-alert").TextContent));
    }

    private static OutboundMessage Sent(long id, string subject, string state = "sent") => new()
    {
        Id = id, Subject = subject, State = state, Sender = "agent@example.test", Recipients = { "far@away.test" }, CreatedAt = Now(),
    };

    private static Report Trace(params (string Type, string Recipient, string Key, string Value)[] events)
    {
        var values = events.Select(e => Value.ForStruct(new Struct
        {
            Fields =
            {
                ["event_type"] = Value.ForString(e.Type), ["recipient"] = Value.ForString(e.Recipient), ["created_at"] = Value.ForString("2026-11-26T01:00:00.000Z"),
                ["details"] = Value.ForStruct(new Struct { Fields = { [e.Key] = Value.ForString(e.Value) } }),
            },
        })).ToArray();
        return new Report { Status = "deferred", Details = new Struct { Fields = { ["events"] = Value.ForList(values) } } };
    }
}
