using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.QuickStart;

/// <summary>The README's quick start, run as written: its run command from the repository root with no
/// configuration (only the ports and data directory moved aside so tests do not collide), then every curl
/// block between the quickstart markers, with the pasted key and message id filled in.</summary>
public sealed partial class ReadmeQuickStartTests
{
    [Fact]
    public async Task Readme_run_command_and_curl_examples_work_as_written()
    {
        var root = TestPaths.RepositoryRoot();
        var readme = await File.ReadAllTextAsync(Path.Combine(root, "README.md"));
        var runCommand = BashBlocks(readme[..readme.IndexOf("## Try it with curl", StringComparison.Ordinal)])[0].Trim();
        Assert.Equal("dotnet run --project src/Server", runCommand);

        var dataDirectory = TestPaths.NewTempDirectory();
        await using var server = await ServerProcess.StartAsync(dataDirectory, command: runCommand, workingDirectory: root, timeout: TimeSpan.FromMinutes(3));
        Assert.True(File.Exists(Path.Combine(dataDirectory, "admin-api-key")));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dataDirectory, "admin-api-key")));

        var start = readme.IndexOf("<!-- quickstart:begin -->", StringComparison.Ordinal);
        var end = readme.IndexOf("<!-- quickstart:end -->", StringComparison.Ordinal);
        Assert.True(start > 0 && end > start, "README lacks the quickstart markers");
        var blocks = BashBlocks(readme[start..end]);
        Assert.Equal(5, blocks.Count);

        var variables = "";
        string Prepare(string block) => (variables + block)
            .Replace("src/Server/data", dataDirectory)
            .Replace("http://localhost:8787", server.HttpBase);

        var created = await RunAsync(Prepare(blocks[0]), root);
        var key = created.GetProperty("api_key").GetProperty("key").GetString()!;
        Assert.Equal("agent@example.test", created.GetProperty("mailbox").GetProperty("email").GetString());
        variables = Assignments(blocks[0]);

        var sent = await RunAsync(Prepare(blocks[1].Replace("oms_paste_the_api_key_here", key)), root);
        Assert.Equal("sent", sent.GetProperty("state").GetString());
        variables += $"AGENT_KEY={key}\n";

        var outbound = await RunAsync(Prepare(blocks[2]), root);
        Assert.Equal("sent", outbound[0].GetProperty("state").GetString());

        var inbox = await RunAsync(Prepare(blocks[3]), root);
        var summary = inbox[0];
        Assert.Equal("Hello", summary.GetProperty("subject").GetString());

        var message = await RunAsync(Prepare(blocks[4].Replace("paste_the_message_id_here", summary.GetProperty("id").GetString())), root);
        Assert.Equal("Hi from curl", message.GetProperty("body").GetString()!.Trim());
    }

    private static List<string> BashBlocks(string markdown) =>
        BashBlock().Matches(markdown).Select(m => m.Groups[1].Value).ToList();

    /// <summary>The variable assignments of a block that later blocks rely on (e.g. ADMIN_KEY).</summary>
    private static string Assignments(string block) =>
        string.Concat(block.Split('\n').Where(l => Regex.IsMatch(l, "^[A-Z_]+=")).Select(l => l + "\n"));

    private static async Task<JsonElement> RunAsync(string script, string workingDirectory)
    {
        var info = new ProcessStartInfo("bash") { ArgumentList = { "-euo", "pipefail", "-c", script }, WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"script failed ({process.ExitCode}): {stderr}\n{script}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    [GeneratedRegex("```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}
