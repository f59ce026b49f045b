using System.Net.Http.Json;
using MailKit.Security;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Storage;

/// <summary>Everything the server writes under its data directory is its own: directories 0700, files 0600.</summary>
public sealed class FileModeTests
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task The_data_directory_messages_database_backups_logs_and_keys_are_private()
    {
        if (OperatingSystem.IsWindows()) return;
        await using var server = new MailServer(new Dictionary<string, string?>(DeliverySettings.For("one.test"))
        {
            ["OpenMailserver:Webhooks:AllowPrivateTargets"] = "true",
        });
        var box = await server.CreateMailboxAsync("agent", "one.test");
        using (var smtp = MailServer.SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", server.MxPort, SecureSocketOptions.StartTls);
            await smtp.SendAsync(new MimeMessage([MailboxAddress.Parse("a@elsewhere.test")], [MailboxAddress.Parse(box.Address)], "in", new TextPart("plain") { Text = "x" }));
        }
        using var rest = server.Rest(box.Key);
        await rest.PostJsonAsync("/v1/webhooks", new { address = box.Address, url = "http://127.0.0.1:9/hook" });
        using var admin = server.Rest(server.AdminKey);
        (await admin.PostAsJsonAsync("/v1/backup", new { })).EnsureSuccessStatusCode();

        // Held open so the -wal and -shm files exist while the files are listed (another test may clear the pools).
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "openmailserver.db")};Pooling=False");
        await connection.OpenAsync();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT COUNT(*) FROM messages";
            await read.ExecuteScalarAsync();
        }
        var directories = Directory.GetDirectories(server.DataDirectory, "*", SearchOption.AllDirectories).Append(server.DataDirectory).ToList();
        var files = Directory.GetFiles(server.DataDirectory, "*", SearchOption.AllDirectories);
        var names = directories.Concat(files).Select(p => Path.GetRelativePath(server.DataDirectory, p)).ToList();
        Assert.Empty(new[] { "messages", "backups", "logs", "dkim", "tls", "openmailserver.db", "openmailserver.db-wal", "openmailserver.db-shm", "admin-api-key",
            "webhook-signing.key", "backup.key" }.Except(names));
        Assert.Contains(files, f => f.EndsWith(".eml"));
        Assert.Contains(files, f => f.EndsWith(".omsbak"));
        var loose = new List<string>();
        foreach (var directory in directories)
            if (File.GetUnixFileMode(directory) is var mode && mode != PrivateDirectory) loose.Add($"{directory} is {mode}");
        foreach (var file in files)
            if (File.GetUnixFileMode(file) is var mode && mode != PrivateFile) loose.Add($"{file} is {mode}");
        Assert.True(loose.Count == 0, string.Join("\n", loose));
    }
}
