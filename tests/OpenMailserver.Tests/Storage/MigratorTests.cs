extern alias ServerAssembly;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ServerAssembly::OpenMailserver.Server.Configuration;
using ServerAssembly::OpenMailserver.Server.Storage;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Storage;

public sealed class MigratorTests : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory();
    private readonly Database _database;
    private readonly Migrator _migrator;

    public MigratorTests()
    {
        _database = new Database(Options.Create(new StorageOptions(_directory)));
        _migrator = new Migrator(_database, NullLogger<Migrator>.Instance);
    }

    [Fact]
    public async Task From_an_empty_database_every_migration_applies_in_order_with_wal()
    {
        var version = await _migrator.MigrateAsync();
        Assert.Equal(Migrator.All[^1].Version, version);
        Assert.Equal(Enumerable.Range(1, Migrator.All.Count), Migrator.All.Select(m => m.Version));

        await using var connection = await _database.OpenAsync();
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        var tables = (await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table'")).ToHashSet();
        foreach (var table in new[] { "domains", "mailboxes", "aliases", "api_keys", "folders", "messages", "outbound_messages", "outbound_recipients", "delivery_events", "schema_migrations" })
            Assert.Contains(table, tables);
        Assert.Equal(Migrator.All.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Running_again_changes_nothing()
    {
        await _migrator.MigrateAsync();
        await using (var connection = await _database.OpenAsync())
            await connection.ExecuteAsync("INSERT INTO domains (name, created_at) VALUES ('kept.test', 1)");
        var again = await _migrator.MigrateAsync();
        Assert.Equal(Migrator.All[^1].Version, again);
        await using var check = await _database.OpenAsync();
        Assert.Equal(Migrator.All.Count, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal("kept.test", await check.ExecuteScalarAsync<string>("SELECT name FROM domains"));
    }

    [Fact]
    public async Task From_a_previous_schema_the_rest_applies_and_data_is_kept()
    {
        Assert.Equal(1, await _migrator.MigrateAsync(targetVersion: 1));
        await using (var connection = await _database.OpenAsync())
        {
            await connection.ExecuteAsync("INSERT INTO domains (name, created_at) VALUES ('old.test', 1)");
            await connection.ExecuteAsync(
                "INSERT INTO mailboxes (domain_id, local_part, address, password_hash, quota, created_at) VALUES (1, 'old', 'old@old.test', 'x', 10, 1)");
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'messages'"));
        }

        Assert.Equal(Migrator.All[^1].Version, await _migrator.MigrateAsync());
        await using var check = await _database.OpenAsync();
        Assert.Equal("old@old.test", await check.ExecuteScalarAsync<string>("SELECT address FROM mailboxes"));
        Assert.Equal(1, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'messages'"));
    }

    [Fact]
    public async Task Keys_that_could_read_get_the_modify_scope_and_old_messages_become_their_own_threads()
    {
        Assert.Equal(4, await _migrator.MigrateAsync(targetVersion: 4));
        await using (var connection = await _database.OpenAsync())
        {
            await connection.ExecuteAsync("INSERT INTO api_keys (key_hash, prefix, name, scopes, created_at) VALUES (x'01', 'p', 'reader', 'mail:read mail:send', 1)");
            await connection.ExecuteAsync("INSERT INTO api_keys (key_hash, prefix, name, scopes, created_at) VALUES (x'02', 'p', 'debug', 'debug:read', 1)");
            await connection.ExecuteAsync("INSERT INTO domains (name, created_at) VALUES ('old.test', 1)");
            await connection.ExecuteAsync("INSERT INTO mailboxes (domain_id, local_part, address, password_hash, quota, created_at) VALUES (1, 'old', 'old@old.test', 'x', 10, 1)");
            await connection.ExecuteAsync("INSERT INTO folders (mailbox_id, name, uid_validity) VALUES (1, 'INBOX', 1)");
            await connection.ExecuteAsync("INSERT INTO messages (id, mailbox_id, folder_id, uid, received_at, size, blob) VALUES ('m1', 1, 1, 1, 1, 10, 'b')");
        }
        await _migrator.MigrateAsync();
        await using var check = await _database.OpenAsync();
        Assert.Equal("mail:read mail:send mail:modify", await check.ExecuteScalarAsync<string>("SELECT scopes FROM api_keys WHERE name = 'reader'"));
        Assert.Equal("debug:read", await check.ExecuteScalarAsync<string>("SELECT scopes FROM api_keys WHERE name = 'debug'"));
        Assert.Equal("m1", await check.ExecuteScalarAsync<string>("SELECT thread_id FROM messages WHERE id = 'm1'"));
        Assert.Null(await check.ExecuteScalarAsync<long?>("SELECT search_id FROM messages WHERE id = 'm1'"));
    }

    [Fact]
    public async Task Mailboxes_get_their_message_count_and_triggers_keep_it()
    {
        Assert.Equal(7, await _migrator.MigrateAsync(targetVersion: 7));
        await using (var connection = await _database.OpenAsync())
        {
            await connection.ExecuteAsync("INSERT INTO domains (name, created_at) VALUES ('old.test', 1)");
            await connection.ExecuteAsync("INSERT INTO mailboxes (domain_id, local_part, address, password_hash, quota, created_at) VALUES (1, 'a', 'a@old.test', 'x', 10, 1), (1, 'b', 'b@old.test', 'x', 10, 1)");
            await connection.ExecuteAsync("INSERT INTO folders (mailbox_id, name, uid_validity) VALUES (1, 'INBOX', 1), (2, 'INBOX', 1)");
            await connection.ExecuteAsync("INSERT INTO messages (id, mailbox_id, folder_id, uid, received_at, size, blob) VALUES ('m1', 1, 1, 1, 1, 10, 'b'), ('m2', 1, 1, 2, 1, 10, 'b'), ('m3', 2, 2, 1, 1, 10, 'b')");
        }
        await _migrator.MigrateAsync();
        await using var check = await _database.OpenAsync();
        Assert.Equal([2L, 1L], await check.QueryAsync<long>("SELECT message_count FROM mailboxes ORDER BY id"));
        await check.ExecuteAsync("INSERT INTO messages (id, mailbox_id, folder_id, uid, received_at, size, blob) VALUES ('m4', 2, 2, 2, 1, 10, 'b')");
        await check.ExecuteAsync("DELETE FROM messages WHERE id IN ('m1', 'm2')");
        Assert.Equal([0L, 2L], await check.QueryAsync<long>("SELECT message_count FROM mailboxes ORDER BY id"));
    }

    [Fact]
    public async Task Folders_that_shared_a_uidvalidity_get_distinct_ones_and_the_mailbox_remembers_the_highest()
    {
        Assert.Equal(8, await _migrator.MigrateAsync(targetVersion: 8));
        await using (var connection = await _database.OpenAsync())
        {
            await connection.ExecuteAsync("INSERT INTO domains (name, created_at) VALUES ('old.test', 1)");
            await connection.ExecuteAsync("INSERT INTO mailboxes (domain_id, local_part, address, password_hash, quota, created_at) VALUES (1, 'a', 'a@old.test', 'x', 10, 1), (1, 'b', 'b@old.test', 'x', 10, 1)");
            // Older versions created a mailbox's standard folders in one second, with one value.
            await connection.ExecuteAsync("INSERT INTO folders (mailbox_id, name, uid_validity) VALUES (1, 'INBOX', 500), (1, 'Sent', 500), (1, 'Junk', 500), (1, 'Old', 400), (2, 'INBOX', 500)");
        }
        await _migrator.MigrateAsync();
        await using var check = await _database.OpenAsync();
        Assert.Equal([500L, 501L, 502L, 400L, 500L], await check.QueryAsync<long>("SELECT uid_validity FROM folders ORDER BY id"));
        Assert.Equal([502L, 500L], await check.QueryAsync<long>("SELECT last_uid_validity FROM mailboxes ORDER BY id"));
    }

    [Fact]
    public async Task Keywords_already_in_use_are_listed_for_their_folders_and_triggers_keep_the_list()
    {
        Assert.Equal(15, await _migrator.MigrateAsync(targetVersion: 15));
        await using (var connection = await _database.OpenAsync())
        {
            await connection.ExecuteAsync("INSERT INTO domains (name, created_at) VALUES ('old.test', 1)");
            await connection.ExecuteAsync("INSERT INTO mailboxes (domain_id, local_part, address, password_hash, quota, created_at) VALUES (1, 'a', 'a@old.test', 'x', 10, 1)");
            await connection.ExecuteAsync("INSERT INTO folders (mailbox_id, name, uid_validity) VALUES (1, 'INBOX', 1), (1, 'Archive', 2)");
            await connection.ExecuteAsync(
                """
                INSERT INTO messages (id, mailbox_id, folder_id, uid, flags, received_at, size, blob) VALUES
                    ('m1', 1, 1, 1, '\Seen $Label1', 1, 10, 'b'), ('m2', 1, 1, 2, '\Seen', 1, 10, 'b'), ('m3', 1, 2, 1, 'work $label1', 1, 10, 'b')
                """);
        }
        await _migrator.MigrateAsync();
        await using var check = await _database.OpenAsync();
        Assert.Equal(["1 $Label1", "2 $label1", "2 work"], await check.QueryAsync<string>("SELECT folder_id || ' ' || keyword FROM folder_keywords ORDER BY folder_id, keyword"));
        await check.ExecuteAsync("UPDATE messages SET flags = '\\Seen Todo' WHERE id = 'm2'");
        await check.ExecuteAsync("UPDATE messages SET folder_id = 2, uid = 2 WHERE id = 'm1'");
        // A flag string that no validated flag makes adds nothing, and the write still succeeds.
        await check.ExecuteAsync("INSERT INTO messages (id, mailbox_id, folder_id, uid, flags, received_at, size, blob) VALUES ('m4', 1, 1, 3, 'bad\"quote', 1, 10, 'b')");
        Assert.Equal(["1 $Label1", "1 Todo", "2 $label1", "2 work"], await check.QueryAsync<string>("SELECT folder_id || ' ' || keyword FROM folder_keywords ORDER BY folder_id, keyword"));

        // At most 256 a folder: made-up keywords cannot grow the list without end.
        await check.ExecuteAsync("INSERT INTO folders (mailbox_id, name, uid_validity) VALUES (1, 'Flood', 3)");
        for (var i = 0; i < 3; i++)
            await check.ExecuteAsync("INSERT INTO messages (id, mailbox_id, folder_id, uid, flags, received_at, size, blob) VALUES (@id, 1, 3, @uid, @flags, 1, 10, 'b')",
                new { id = $"f{i}", uid = i + 1, flags = string.Join(' ', Enumerable.Range(i * 100, 100).Select(k => $"k{k}")) });
        Assert.Equal(256L, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM folder_keywords WHERE folder_id = 3"));
    }

    [Fact]
    public async Task The_full_text_index_keeps_its_matches_without_a_copy_of_the_text()
    {
        Assert.Equal(16, await _migrator.MigrateAsync(targetVersion: 16));
        await using (var connection = await _database.OpenAsync())
            await connection.ExecuteAsync("INSERT INTO message_search (rowid, subject, body, addresses) VALUES (7, 'quarterly report', 'the numbers', 'a@old.test'), (9, 'lunch', 'sandwiches', 'b@old.test')");
        await _migrator.MigrateAsync();
        await using var check = await _database.OpenAsync();
        Assert.Equal([7L], await check.QueryAsync<long>("SELECT rowid FROM message_search WHERE message_search MATCH 'numbers'"));
        Assert.Equal([9L], await check.QueryAsync<long>("SELECT rowid FROM message_search WHERE message_search MATCH 'lunch'"));
        Assert.Equal(0L, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'message_search_content'"));
        await check.ExecuteAsync("DELETE FROM message_search WHERE rowid = 7");
        Assert.Empty(await check.QueryAsync<long>("SELECT rowid FROM message_search WHERE message_search MATCH 'numbers'"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
