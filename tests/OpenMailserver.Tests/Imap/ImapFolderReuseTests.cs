using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>A folder deleted and made again can take the same row id (the store reuses the highest), but never the
/// same UIDVALIDITY: a session that had the old one selected is told nothing of the new one's messages or removals,
/// which would name UIDs it never saw. A server of its own, so no other test makes folders in between.</summary>
public sealed class ImapFolderReuseTests : IAsyncLifetime
{
    private readonly MailServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_session_on_a_deleted_folder_is_not_told_of_its_successor()
    {
        var box = await _server.CreateMailboxAsync();
        await using var first = await ImapConversation.LoginAsync(_server, box);
        await first.CommandAsync("CREATE Reused");
        await first.AppendAsync("Reused", "old one");
        await first.AppendAsync("Reused", "old two");
        Assert.Contains("* 2 EXISTS", await first.CommandAsync("SELECT Reused"));

        await using (var second = await ImapConversation.LoginAsync(_server, box))
        {
            Assert.EndsWith("OK DELETE completed", (await second.CommandAsync("DELETE Reused")).Last());
            Assert.EndsWith("OK CREATE completed", (await second.CommandAsync("CREATE Reused")).Last());
            for (var i = 0; i < 5; i++) await second.AppendAsync("Reused", $"new {i}");
            await second.CommandAsync("SELECT Reused");
            await second.CommandAsync("STORE 1 +FLAGS (\\Deleted)");
            await second.CommandAsync("EXPUNGE");
        }

        // Neither the new folder's messages (EXISTS) nor its removal of its UID 1 (EXPUNGE) reach this session.
        var noop = await first.CommandAsync("NOOP");
        Assert.Equal(["T4 OK NOOP completed"], noop);
    }
}
