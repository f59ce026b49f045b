using Bunit;
using Google.Protobuf;
using Grpc.Core;
using OpenMailserver.Admin.Components.Pages;
using OpenMailserver.V1;
using MessagesPage = OpenMailserver.Admin.Components.Pages.Messages;

namespace OpenMailserver.Tests.Admin;

public sealed class MessagesPageTests : DashboardTestContext
{
    [Fact]
    public async Task Shows_the_folders_with_counts_and_the_messages_of_the_one_picked()
    {
        await SignInAsync();
        Api.On<ListMailboxesRequest>("ListMailboxes", _ => new ListMailboxesResponse { Mailboxes = { Mailbox("zoe@example.test") } })
            .On<ListFoldersRequest>("ListFolders", _ => new ListFoldersResponse
            {
                Folders = { new Folder { Name = "INBOX", Messages = 2, Unread = 1 }, new Folder { Name = "Sent", SpecialUse = "\\Sent", Messages = 0 } },
            })
            .On<ListMessagesRequest>("ListMessages", r => r.Folder == "INBOX"
                ? new ListMessagesResponse { Messages = { Summary("m1", "Hello", seen: false), Summary("m2", "", seen: true) } }
                : new ListMessagesResponse());

        var page = RenderWithProviders<MessagesPage>(p => p.Add(m => m.Address, "zoe@example.test"));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("td[data-label=Subject]").Count));
        Assert.Equal(["INBOX1/2", "Sent0"], page.FindAll(".folder").Select(f => string.Concat(f.TextContent.Where(c => !char.IsWhiteSpace(c)))));
        Assert.Equal("/admin/messages/zoe@example.test/m1", page.Find("td[data-label=Subject] a").GetAttribute("href"));
        Assert.Equal(["Hello", "(no subject)"], page.FindAll("td[data-label=Subject]").Select(c => c.TextContent.Trim()));
        Assert.Equal("zoe@example.test", LastRequest<ListMessagesRequest>("ListMessages").Address);

        await page.FindAll(".folder")[1].ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("Sent is empty.", page.Markup));
        Assert.Equal("Sent", LastRequest<ListMessagesRequest>("ListMessages").Folder);
    }

    [Fact]
    public async Task Without_mailboxes_says_so()
    {
        await SignInAsync();
        var page = RenderWithProviders<MessagesPage>();
        page.WaitForAssertion(() => Assert.Contains("No mailboxes yet.", page.Markup));
    }

    [Fact]
    public async Task A_message_shows_html_in_a_sandbox_that_fetches_nothing_with_inline_images_its_attachments_and_text()
    {
        await SignInAsync();
        Api.On<GetMessageRequest>("GetMessage", r => new Message
            {
                Id = r.Id, Subject = "Report", From = "far@away.test", To = "zoe@example.test", Folder = "INBOX", Size = 2048, Body = "See the chart.",
                HtmlBody = "<p>See the chart.</p><img src=\"cid:chart@x\"><img src=\"https://tracker.example/pixel.png\"><script>alert(1)</script>",
                Headers = { new Header { Name = "Received", Value = "from far.away.test" } },
                Attachments =
                {
                    new AttachmentInfo { Id = "2", Filename = "chart.png", ContentType = "image/png", Size = 4, ContentId = "chart@x", Inline = true },
                    new AttachmentInfo { Id = "3", Filename = "q3.csv", ContentType = "text/csv", Size = 20 },
                },
            })
            .On<GetAttachmentRequest>("GetAttachment", _ => new Google.Api.HttpBody { ContentType = "image/png", Data = ByteString.CopyFrom(1, 2, 3, 4) });

        var page = RenderWithProviders<MessageView>(p => p.Add(m => m.Address, "zoe@example.test").Add(m => m.Id, "m1"));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("iframe.html-body")));
        var frame = page.Find("iframe.html-body");
        Assert.Equal("", frame.GetAttribute("sandbox"));
        var document = frame.GetAttribute("srcdoc")!;
        Assert.StartsWith("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\"", document);
        Assert.Contains("default-src &#39;none&#39;; img-src data:", document);
        Assert.Contains("src=\"data:image/png;base64,AQIDBA==\"", document);
        Assert.DoesNotContain("cid:chart@x", document);
        Assert.True(document.IndexOf("Content-Security-Policy", StringComparison.Ordinal) < document.IndexOf("https://tracker.example", StringComparison.Ordinal));
        Assert.Equal(["chart.png · 4 B", "q3.csv · 20 B"], page.FindAll(".attachment").Select(a => a.TextContent.Trim()));
        Assert.Empty(page.FindAll(".preview-note"));
        Assert.Empty(page.FindAll(".truncated-note"));
        Assert.Equal(("m1", "zoe@example.test"), (LastRequest<GetAttachmentRequest>("GetAttachment").Id, LastRequest<GetAttachmentRequest>("GetAttachment").Address));
    }

    [Fact]
    public async Task An_inline_image_referenced_two_hundred_times_is_inlined_only_up_to_the_preview_cap_and_the_page_says_so()
    {
        await SignInAsync();
        var image = new byte[100_000];
        Api.On<GetMessageRequest>("GetMessage", r => new Message
            {
                Id = r.Id, Subject = "Bomb", From = "far@away.test", To = "zoe@example.test", Folder = "INBOX", Size = 140_000, Truncated = true,
                HtmlBody = string.Concat(Enumerable.Repeat("<img src=\"cid:pic@x\">", 200)),
                Attachments = { new AttachmentInfo { Id = "2", Filename = "pic.png", ContentType = "image/png", Size = image.Length, ContentId = "pic@x", Inline = true } },
            })
            .On<GetAttachmentRequest>("GetAttachment", _ => new Google.Api.HttpBody { ContentType = "image/png", Data = ByteString.CopyFrom(image) });

        var page = RenderWithProviders<MessageView>(p => p.Add(m => m.Address, "zoe@example.test").Add(m => m.Id, "m1"));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("iframe.html-body")));
        var document = page.Find("iframe.html-body").GetAttribute("srcdoc")!;

        // Each reference is a 133,358-character data: URI; 15 fit in the 2 MiB the preview inlines, the other 185 are left out.
        Assert.Equal(15, document.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.Equal(185, document.Split("src=\"\"").Length - 1);
        Assert.True(document.Length < (2 << 20) + 10_000, $"the preview document is {document.Length} characters");
        Assert.StartsWith("This message has more parts, nesting or header fields than the server shows", page.Find(".truncated-note").TextContent.Trim());
        Assert.StartsWith("Some inline images are left out of this preview, which shows at most 2", page.Find(".preview-note").TextContent.Trim());
    }

    [Fact]
    public async Task A_text_message_opens_on_its_text()
    {
        await SignInAsync();
        Api.On<GetMessageRequest>("GetMessage", r => new Message { Id = r.Id, Subject = "Plain", Body = "Just text.\nTwo lines.", Folder = "INBOX" });
        var page = RenderWithProviders<MessageView>(p => p.Add(m => m.Address, "zoe@example.test").Add(m => m.Id, "m2"));
        page.WaitForAssertion(() => Assert.Equal("Just text.\nTwo lines.", page.Find("pre.text-body").TextContent));
        Assert.Empty(page.FindAll("iframe"));
    }

    [Fact]
    public async Task A_missing_message_shows_the_servers_message()
    {
        await SignInAsync();
        Api.Fails("GetMessage", StatusCode.NotFound, "No message 'm9' in zoe@example.test.");
        var page = RenderWithProviders<MessageView>(p => p.Add(m => m.Address, "zoe@example.test").Add(m => m.Id, "m9"));
        page.WaitForAssertion(() => Assert.Contains("No message 'm9' in zoe@example.test.", page.Find(".mud-alert").TextContent));
    }

    private static MessageSummary Summary(string id, string subject, bool seen) => new()
    {
        Id = id, Subject = subject, From = "far@away.test", Size = 1500, ReceivedAt = Now(), Folder = "INBOX", Flags = { seen ? new[] { "\\Seen" } : [] },
    };
}
