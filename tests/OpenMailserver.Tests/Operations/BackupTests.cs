extern alias ServerAssembly;
using System.Formats.Tar;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit;
using MailKit.Security;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;
using ServerAssembly::OpenMailserver.Server.Operations.Backup;

namespace OpenMailserver.Tests.Operations;

/// <summary>Encrypted backups of a running server, checked and restored through the real command line.</summary>
public sealed class BackupTests
{
    [Fact]
    public async Task Backup_then_restore_into_a_new_directory_gives_the_same_server()
    {
        var down = TestPaths.FreeTcpPort();
        var settings = DeliverySettings.For("one.test", mxOverrides: new Dictionary<string, int> { ["away.test"] = down }, retryDelay: "01:00:00");
        var source = TestPaths.NewTempDirectory();
        TestMailbox agent;
        string backup, adminKey, rawBefore;
        JsonElement messagesBefore, outboundBefore;
        await using (var server = new MailServer(settings, source))
        {
            agent = await server.CreateMailboxAsync("agent", "one.test");
            var other = await server.CreateMailboxAsync("other", "one.test");
            adminKey = server.AdminKey;
            using var admin = server.Rest(adminKey);
            (await admin.PostAsJsonAsync("/v1/aliases", new { source = "team@one.test", destination = agent.Address })).EnsureSuccessStatusCode();
            using var rest = server.Rest(agent.Key);
            await rest.SendAsync(new { sender = agent.Address, recipients = new[] { other.Address, "far@away.test" }, subject = "before the backup", text_body = "x" });
            await server.Rest(other.Key).SendAsync(new { sender = other.Address, recipients = new[] { "team@one.test" }, subject = "to the team", text_body = "ÿ 8-bit body ✓" });
            using (var imap = await server.ImapAsAsync(agent))
            {
                await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
                await imap.Inbox.AddFlagsAsync(0, MessageFlags.Flagged, silent: true);
                await imap.GetFolder(imap.PersonalNamespaces[0]).CreateAsync("Projects", isMessageFolder: true);
            }
            messagesBefore = await rest.GetJsonAsync($"/v1/mailboxes/{agent.Address}/messages");
            outboundBefore = await rest.GetJsonAsync("/v1/outbound");
            rawBefore = Convert.ToBase64String(await StoreInspector.RawMessageAsync(source, messagesBefore[0].GetProperty("id").GetString()!));

            var result = JsonDocument.Parse(await (await admin.PostAsJsonAsync("/v1/backup", new { })).Content.ReadAsStringAsync()).RootElement;
            backup = result.GetProperty("path").GetString()!;
            Assert.True(result.GetProperty("encrypted").GetBoolean());
            Assert.Equal(Path.Combine(source, "backup.key"), result.GetProperty("key_location").GetString());
            Assert.Matches(@"openmailserver-backup-\d{14}-[0-9a-f]{6}\.omsbak$", backup);
            Assert.Equal(Path.Combine(source, "backups"), Path.GetDirectoryName(backup));

            var check = await (await admin.PostAsJsonAsync("/v1/restore/validate", new { path = Path.GetFileName(backup) })).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("ok", check.GetProperty("status").GetString());
            var entries = check.GetProperty("details").GetProperty("entries");
            Assert.Equal(2, entries.GetProperty("mailboxes").GetInt32());
            Assert.Equal(1, entries.GetProperty("aliases").GetInt32());
        }

        var target = Path.Combine(TestPaths.NewTempDirectory(), "restored");
        var (exit, output) = await ServerProcess.RunCommandAsync("restore", backup, "--data-directory", target, "--key-file", Path.Combine(source, "backup.key"));
        Assert.True(exit == 0, output);
        Assert.Contains("2 mailboxes, 1 aliases", output);
        Assert.Matches(@"  \d+ KB of about \d+ KB checked", output);

        await using var restored = new MailServer(settings, target);
        Assert.Equal(adminKey, restored.AdminKey);
        using var restoredRest = restored.Rest(agent.Key); // the old key works
        Assert.Equal(messagesBefore.GetRawText(), (await restoredRest.GetJsonAsync($"/v1/mailboxes/{agent.Address}/messages")).GetRawText());
        Assert.Equal(outboundBefore.GetRawText(), (await restoredRest.GetJsonAsync("/v1/outbound")).GetRawText());
        Assert.Equal(rawBefore, Convert.ToBase64String(await StoreInspector.RawMessageAsync(target, messagesBefore[0].GetProperty("id").GetString()!)));
        using var imapAgain = await restored.ImapAsAsync(agent); // the old password works
        await imapAgain.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Contains(await imapAgain.Inbox.FetchAsync(0, -1, MessageSummaryItems.Flags), m => m.Flags!.Value.HasFlag(MessageFlags.Flagged));
        Assert.NotNull(await imapAgain.GetFolderAsync("Projects"));
        using var restoredAdmin = restored.Rest(adminKey);
        Assert.Equal("team@one.test", (await restoredAdmin.GetJsonAsync("/v1/aliases"))[0].GetProperty("source").GetString());
    }

    [Fact]
    public async Task Validation_names_a_flipped_byte_a_truncation_a_wrong_key_and_a_missing_file()
    {
        await using var server = new MailServer(DeliverySettings.For("one.test"));
        var agent = await server.CreateMailboxAsync("agent", "one.test");
        using (var rest = server.Rest(agent.Key))
            for (var i = 0; i < 3; i++) await rest.SendAsync(new { sender = agent.Address, recipients = new[] { agent.Address }, subject = $"m{i}", text_body = new string('x', 1000 * i) });
        using var admin = server.Rest(server.AdminKey);
        var backup = (await (await admin.PostAsJsonAsync("/v1/backup", new { })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("path").GetString()!;
        var bytes = await File.ReadAllBytesAsync(backup);
        var key = Convert.FromBase64String((await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "backup.key"))).Trim());

        async Task<string> ReasonAsync(byte[] archive)
        {
            var path = Path.Combine(Path.GetDirectoryName(backup)!, Guid.NewGuid().ToString("N") + ".omsbak");
            await File.WriteAllBytesAsync(path, archive);
            var report = await (await admin.PostAsJsonAsync("/v1/restore/validate", new { path })).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("invalid", report.GetProperty("status").GetString());
            return report.GetProperty("details").GetProperty("reason").GetString()!;
        }

        var flipped = bytes.ToArray();
        flipped[bytes.Length / 2] ^= 0x01;
        Assert.Contains("does not decrypt", await ReasonAsync(flipped));
        Assert.Contains("truncated", await ReasonAsync(bytes[..^100]));
        Assert.Contains("not an Open Mailserver backup", await ReasonAsync([.. "garbage"u8]));

        // A wrong key, through the command line.
        var target = Path.Combine(TestPaths.NewTempDirectory(), "restored");
        var (exit, output) = await ServerProcess.RunCommandAsync("restore", backup, "--data-directory", target, "--backup-key", Convert.ToBase64String(new byte[32]));
        Assert.Equal(1, exit);
        Assert.Contains("the key is wrong", output);
        Assert.False(Directory.Exists(target), "a refused restore leaves nothing behind");

        // A message file dropped from a correctly sealed archive.
        var repacked = new MemoryStream();
        await using (var input = new DecryptingStream(new MemoryStream(bytes), key))
        using (var reader = new TarReader(input))
        await using (var output2 = new EncryptingStream(repacked, key))
        await using (var writer = new TarWriter(output2, TarEntryFormat.Pax, leaveOpen: true))
        {
            var dropped = false;
            while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
            {
                if (!dropped && entry.Name.StartsWith("messages/", StringComparison.Ordinal))
                {
                    dropped = true;
                    continue;
                }
                await writer.WriteEntryAsync(entry);
            }
        }
        Assert.Contains("missing from the archive", await ReasonAsync(repacked.ToArray()));

        Assert.Equal(0, (await ServerProcess.RunCommandAsync("restore", "--help")).ExitCode);
    }

    [Fact]
    public async Task A_backup_taken_while_mail_arrives_is_consistent()
    {
        var source = TestPaths.NewTempDirectory();
        await using var server = new MailServer(DeliverySettings.For("one.test"), source);
        var agent = await server.CreateMailboxAsync("agent", "one.test");
        var acknowledged = 0;
        using var stop = new CancellationTokenSource();
        var sending = Task.Run(async () =>
        {
            using var client = MailServer.SmtpClient();
            await client.ConnectAsync("127.0.0.1", server.Started().MxPort, SecureSocketOptions.StartTls);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await client.SendAsync(new MimeMessage([MailboxAddress.Parse("a@elsewhere.test")], [MailboxAddress.Parse(agent.Address)], $"n{i}",
                    new TextPart("plain") { Text = new string('y', 2000) }));
                Interlocked.Increment(ref acknowledged);
            }
        });
        while (Volatile.Read(ref acknowledged) < 20) await Task.Delay(20);
        var before = Volatile.Read(ref acknowledged);
        using var admin = server.Rest(server.AdminKey);
        var backup = (await (await admin.PostAsJsonAsync("/v1/backup", new { })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("path").GetString()!;
        await stop.CancelAsync();
        await sending;

        var target = Path.Combine(TestPaths.NewTempDirectory(), "restored");
        var (exit, output) = await ServerProcess.RunCommandAsync("restore", backup, "--data-directory", target, "--key-file", Path.Combine(source, "backup.key"));
        Assert.True(exit == 0, output); // every message in the snapshot has its body (checked by the restore)
        var restored = await StoreInspector.ScalarAsync<long>(target, "SELECT COUNT(*) FROM messages");
        Assert.InRange(restored, before, Volatile.Read(ref acknowledged));
    }

    [Fact]
    public async Task Two_backups_asked_for_at_once_are_two_sound_archives()
    {
        await using var server = new MailServer(DeliverySettings.For("one.test"));
        var agent = await server.CreateMailboxAsync("agent", "one.test");
        using (var rest = server.Rest(agent.Key))
            await rest.SendAsync(new { sender = agent.Address, recipients = new[] { agent.Address }, subject = "kept", text_body = "x" });
        using var admin = server.Rest(server.AdminKey);
        var responses = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => admin.PostAsJsonAsync("/v1/backup", new { })));
        var paths = new List<string>();
        foreach (var response in responses)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            paths.Add(JsonDocument.Parse(body).RootElement.GetProperty("path").GetString()!);
        }
        Assert.Equal(2, paths.Distinct().Count());
        foreach (var path in paths)
        {
            var check = await (await admin.PostAsJsonAsync("/v1/restore/validate", new { path = Path.GetFileName(path) })).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("ok", check.GetProperty("status").GetString());
        }
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(paths[0])!, "*.partial"));
    }

    [Fact]
    public async Task Validation_opens_only_archives_in_the_backups_or_import_folder_and_refuses_everything_else_alike()
    {
        var imports = TestPaths.NewTempDirectory();
        await using var server = new MailServer(new Dictionary<string, string?>(DeliverySettings.For("one.test")) { ["OpenMailserver:Backup:ImportDirectory"] = imports });
        using var admin = server.Rest(server.AdminKey);
        var backup = (await (await admin.PostAsJsonAsync("/v1/backup", new { })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("path").GetString()!;
        File.Copy(backup, Path.Combine(imports, "copied.omsbak"));
        var outside = Path.Combine(TestPaths.NewTempDirectory(), "elsewhere.omsbak");
        File.Copy(backup, outside);
        File.CreateSymbolicLink(Path.Combine(imports, "link.omsbak"), "/etc/passwd");

        foreach (var accepted in new[] { Path.GetFileName(backup), backup, "copied.omsbak", Path.Combine(imports, "copied.omsbak") })
        {
            var response = await admin.PostAsJsonAsync("/v1/restore/validate", new { path = accepted });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            Assert.Equal("ok", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
        }
        foreach (var refused in new[] { "/etc/passwd", "/etc/does-not-exist", outside, "../admin-api-key", "missing.omsbak", "link.omsbak", backup + "/../../admin-api-key" })
        {
            var response = await admin.PostAsJsonAsync("/v1/restore/validate", new { path = refused });
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
            var name = Path.GetFileName(refused);
            Assert.Equal($"No backup archive '{name}': give the name of a file in {Path.Combine(server.DataDirectory, "backups")} or Backup:ImportDirectory.",
                JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
        }
    }
}
