extern alias ServerAssembly;
using Microsoft.Extensions.DependencyInjection;
using ServerAssembly::OpenMailserver.Server.Accounts;
using ServerAssembly::OpenMailserver.Server.Events;
using ServerAssembly::OpenMailserver.Server.Storage;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Storage;

/// <summary>The store's one way to change it: a unit of work commits whole and is then announced to the
/// mailbox's listeners by the store itself, or fails whole and is announced to no one.</summary>
public sealed class StoreTests
{
    [Fact]
    public async Task A_committed_change_is_announced_once_after_it_is_durable_and_a_failed_one_never()
    {
        await using var server = new ServerFactory();
        var mailbox = await server.CreateMailboxAsync();
        var store = server.Services.GetRequiredService<IStore>();
        var events = server.Services.GetRequiredService<IMailboxEventRepository>();
        var heard = new List<int>();
        using var subscription = server.Services.GetRequiredService<MailboxChanges>().Subscribe(mailbox.Id, () =>
        {
            // What a listener reads when it hears of a change: the change is already there for everyone.
            lock (heard) heard.Add(events.ListAfterAsync(mailbox.Id, 0, [], 100).GetAwaiter().GetResult().Count(e => e.EventType == "test.note"));
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync(async tx =>
        {
            await events.RecordAsync(tx, mailbox.Id, "test.note", "", null, new { }, 1);
            throw new InvalidOperationException("refused after writing");
        }));
        Assert.Empty(heard);

        await store.WriteAsync(async tx =>
        {
            await events.RecordAsync(tx, mailbox.Id, "test.note", "", null, new { }, 1);
            await events.RecordAsync(tx, mailbox.Id, "test.note", "", null, new { }, 2);
        });
        Assert.Equal([2], heard);
    }

    [Fact]
    public async Task A_key_already_taken_is_a_duplicate_key_whichever_database_said_it()
    {
        await using var server = new ServerFactory();
        var mailbox = await server.CreateMailboxAsync();
        var store = server.Services.GetRequiredService<IStore>();
        var aliases = server.Services.GetRequiredService<IAliasRepository>();
        await store.WriteAsync(tx => aliases.InsertAsync(tx, "taken@example.test", mailbox.Address, 0));
        await Assert.ThrowsAsync<DuplicateKeyException>(() => store.WriteAsync(tx => aliases.InsertAsync(tx, "taken@example.test", mailbox.Address, 0)));
    }
}
