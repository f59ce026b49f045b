using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>MailKit's ImapClient as a mail client uses it, over 143 with STARTTLS: folders, fetch, flags,
/// move to Trash, expunge, and an IDLE that hears about new mail.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed class MailKitClientTests(SharedMailServer server)
{
    [Fact]
    public async Task Starttls_session_with_idle_move_to_trash_and_expunge()
    {
        var box = await server.CreateMailboxAsync();
        using var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 20_000 };
        await imap.ConnectAsync("127.0.0.1", server.Started().ImapPort, SecureSocketOptions.StartTls);
        Assert.True(imap.IsSecure);
        await imap.AuthenticateAsync(box.Address, box.Password);
        Assert.True(imap.Capabilities.HasFlag(ImapCapabilities.Idle));
        Assert.True(imap.Capabilities.HasFlag(ImapCapabilities.Move));
        Assert.True(imap.Capabilities.HasFlag(ImapCapabilities.UidPlus));

        var inbox = imap.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var arrived = new TaskCompletionSource();
        inbox.CountChanged += (_, _) => arrived.TrySetResult();
        using var stopIdle = new CancellationTokenSource();
        var idle = imap.IdleAsync(stopIdle.Token);
        using (var api = server.Rest(box.Key))
            await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "while idling", text_body = "x" });
        Assert.Same(arrived.Task, await Task.WhenAny(arrived.Task, Task.Delay(TimeSpan.FromSeconds(5))));
        await stopIdle.CancelAsync();
        await idle;
        Assert.Equal(1, inbox.Count);

        var summary = (await inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope))[0];
        Assert.Equal("while idling", summary.Envelope!.Subject);
        await inbox.AddFlagsAsync(summary.UniqueId, MessageFlags.Seen, true);
        var trash = imap.GetFolder(SpecialFolder.Trash)!;
        var moved = await inbox.MoveToAsync(summary.UniqueId, trash);
        Assert.NotNull(moved);
        Assert.Equal(0, inbox.Count);

        await trash.OpenAsync(FolderAccess.ReadWrite);
        Assert.Equal(1, trash.Count);
        var inTrash = (await trash.FetchAsync(0, -1, MessageSummaryItems.Flags | MessageSummaryItems.UniqueId))[0];
        Assert.True(inTrash.Flags!.Value.HasFlag(MessageFlags.Seen));
        await trash.AddFlagsAsync(inTrash.UniqueId, MessageFlags.Deleted, true);
        await trash.ExpungeAsync();
        Assert.Equal(0, trash.Count);

        var appended = await trash.AppendAsync(new MimeMessage { From = { MailboxAddress.Parse(box.Address) }, Subject = "kept", Body = new TextPart("plain") { Text = "x" } });
        Assert.NotNull(appended);
        await imap.DisconnectAsync(true);

        using var reader = server.Rest(box.Key);
        Assert.Empty((await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray());
        Assert.Equal("kept", Assert.Single((await reader.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=Trash")).EnumerateArray()).GetProperty("subject").GetString());
    }
}
