using MailKit;
using MailKit.Search;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

[Collection(SharedMailServerCollection.Name)]
public sealed class ImapSmokeTests(SharedMailServer server)
{
    [Fact]
    public async Task MailKit_reads_what_the_api_delivered()
    {
        var box = await server.CreateMailboxAsync();
        using (var api = server.Rest(box.Key))
            await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "seen over imap", text_body = "hello imap", html_body = "<p>hello imap</p>" });

        using var imap = await server.ImapAsAsync(box);
        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(1, inbox.Count);
        var summaries = await inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.Flags | MessageSummaryItems.BodyStructure | MessageSummaryItems.Size | MessageSummaryItems.UniqueId);
        var summary = Assert.Single(summaries);
        Assert.Equal("seen over imap", summary.Envelope!.Subject);
        Assert.Equal(box.Address, summary.Envelope!.From.Mailboxes.Single().Address);
        Assert.False(summary.Flags!.Value.HasFlag(MessageFlags.Seen));
        var message = await inbox.GetMessageAsync(summary.UniqueId);
        Assert.Equal("hello imap", message.TextBody!.Trim());
        var text = (TextPart)await inbox.GetBodyPartAsync(summary.UniqueId, summary.TextBody!);
        Assert.Equal("hello imap", text.Text.Trim());
        // MailKit reads with BODY.PEEK, which leaves \Seen alone.
        var flags = await inbox.FetchAsync([summary.UniqueId], MessageSummaryItems.Flags);
        Assert.False(flags[0].Flags!.Value.HasFlag(MessageFlags.Seen));

        var found = await inbox.SearchAsync(SearchQuery.SubjectContains("over imap"));
        Assert.Single(found);
        Assert.Empty(await inbox.SearchAsync(SearchQuery.SubjectContains("nothing like this")));
        await inbox.AddFlagsAsync(summary.UniqueId, MessageFlags.Flagged, true);
        Assert.Single(await inbox.SearchAsync(SearchQuery.Flagged));

        var folders = await imap.GetFoldersAsync(imap.PersonalNamespaces[0]);
        Assert.Contains(folders, f => f.Attributes.HasFlag(FolderAttributes.Sent) && f.FullName == "Sent");
        var sent = imap.GetFolder(SpecialFolder.Sent);
        await sent!.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, sent.Count);

        var archive = (await imap.GetFolder(imap.PersonalNamespaces[0]).CreateAsync("Archive", true))!;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var moved = await inbox.MoveToAsync(summary.UniqueId, archive);
        Assert.NotNull(moved);
        Assert.Equal(0, inbox.Count);
        var appended = await archive.AppendAsync(new MimeMessage { From = { MailboxAddress.Parse(box.Address) }, Subject = "appended", Body = new TextPart("plain") { Text = "x" } }, MessageFlags.Seen);
        Assert.NotNull(appended);
        await archive.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(2, archive.Count);
        await imap.DisconnectAsync(true);
    }
}
