using System.Text.Json;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Operations;

/// <summary>Every operator command, run as a process of the server executable against a running server.</summary>
public sealed class CommandLineTests
{
    private static async Task<(int Exit, string Output)> RunAsync(ServerProcess server, params string[] command) =>
        await ServerProcess.RunCommandAsync([.. command, "--server", server.HttpBase, "--data-directory", server.DataDirectory]);

    private static JsonElement Json(string output) => JsonDocument.Parse(output[output.IndexOfAny(['{', '['])..]).RootElement;

    [Fact]
    public async Task Mailbox_alias_key_queue_dns_and_backup_commands_work_against_the_running_server()
    {
        await using var server = await ServerProcess.StartAsync(environment: new Dictionary<string, string>
        {
            ["OpenMailserver__Delivery__DnsServers__0"] = Dnsmasq.Shared.Address,
        });

        var (exit, output) = await RunAsync(server, "mailbox", "create", "ops@cli.test");
        Assert.True(exit == 0, output);
        var created = Json(output);
        Assert.Equal("ops@cli.test", created.GetProperty("mailbox").GetProperty("email").GetString());
        var firstPassword = created.GetProperty("password").GetString();

        (exit, output) = await RunAsync(server, "mailbox", "list", "--domain", "cli.test");
        Assert.Equal(0, exit);
        Assert.Equal("ops@cli.test", Assert.Single(Json(output).EnumerateArray()).GetProperty("email").GetString());

        (exit, output) = await RunAsync(server, "mailbox", "reset-password", "ops@cli.test");
        Assert.Equal(0, exit);
        Assert.NotEqual(firstPassword, Json(output).GetProperty("password").GetString());

        (exit, output) = await RunAsync(server, "alias", "create", "team@cli.test", "ops@cli.test");
        Assert.True(exit == 0, output);
        (exit, output) = await RunAsync(server, "alias", "list");
        Assert.Equal("team@cli.test", Assert.Single(Json(output).EnumerateArray()).GetProperty("source").GetString());

        (exit, output) = await RunAsync(server, "key", "issue", "ops@cli.test", "--name", "second");
        Assert.True(exit == 0, output);
        var keyId = Json(output).GetProperty("id").GetInt64();
        (exit, output) = await RunAsync(server, "key", "revoke", keyId.ToString());
        Assert.True(exit == 0, output);

        (exit, output) = await RunAsync(server, "dns-plan", "--public-ip", "203.0.113.9");
        Assert.Equal(0, exit);
        Assert.Contains("cli.test. 3600 IN MX 10 mail.localhost.", output);
        Assert.Contains("mail.localhost. 3600 IN A 203.0.113.9", output);

        (exit, output) = await RunAsync(server, "queue", "list", "--state", "all");
        Assert.Equal(0, exit);
        Assert.Equal(JsonValueKind.Array, Json(output).ValueKind);
        (exit, output) = await RunAsync(server, "queue", "retry", "424242");
        Assert.Equal(1, exit);
        Assert.Contains("404", output);

        (exit, output) = await RunAsync(server, "mailbox", "disable", "ops@cli.test");
        Assert.Equal(0, exit);
        Assert.False(Json(output).GetProperty("active").GetBoolean());

        (exit, output) = await RunAsync(server, "backup", "create");
        Assert.True(exit == 0, output);
        Assert.Contains("Backing up", output);
        var archive = Json(output).GetProperty("path").GetString()!;
        (exit, output) = await RunAsync(server, "backup", "verify", Path.GetFileName(archive));
        Assert.True(exit == 0, output);
        Assert.Equal("ok", Json(output).GetProperty("status").GetString());

        // Bad input: a clear message and a non-zero exit, never a stack trace.
        (exit, output) = await RunAsync(server, "mailbox", "create", "not-an-address");
        Assert.Equal(1, exit);
        Assert.Contains("local@domain", output);
        (exit, output) = await ServerProcess.RunCommandAsync("mailbox", "list", "--server", "http://127.0.0.1:1", "--key", "oms_x");
        Assert.Equal(1, exit);
        Assert.Contains("Cannot reach the server", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task Doctor_prints_every_check_and_fails_when_one_fails()
    {
        using var dns = new Dnsmasq();
        await dns.Mx("wrong.test", "mx.elsewhere.test", 10).StartAsync();
        await using var server = await ServerProcess.StartAsync(environment: new Dictionary<string, string>
        {
            ["OpenMailserver__Delivery__DnsServers__0"] = dns.Address,
        });

        var (exit, output) = await RunAsync(server, "doctor");
        Assert.True(exit == 0, output); // nothing fails yet: DNS for "localhost" is only unanswered (warn)
        Assert.Contains("Health: ", output);
        Assert.Contains("Deliverability: ", output);
        Assert.Contains("pass  database", output);

        Assert.Equal(0, (await RunAsync(server, "mailbox", "create", "a@wrong.test")).Exit);
        (exit, output) = await RunAsync(server, "doctor");
        Assert.Equal(1, exit);
        Assert.Contains("fail  mx wrong.test: wrong.test's MX points to mx.elsewhere.test", output);
    }

    [Fact]
    public async Task Every_command_has_help()
    {
        foreach (var command in new[] { "--help", "mailbox --help", "mailbox create --help", "alias --help", "key issue --help", "dns-plan --help", "doctor --help",
                     "queue retry --help", "backup verify --help", "restore --help" })
        {
            var (exit, output) = await ServerProcess.RunCommandAsync(command.Split(' '));
            Assert.True(exit == 0, $"{command}: {output}");
            Assert.Contains("Usage:", output);
        }
    }
}
