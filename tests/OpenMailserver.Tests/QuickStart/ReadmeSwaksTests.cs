using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.QuickStart;

/// <summary>The README's swaks examples (a client nobody here wrote), run as written against a server
/// with the README's mailbox, only the ports and the password filled in.</summary>
public sealed partial class ReadmeSwaksTests
{
    [Fact]
    public async Task Readme_swaks_examples_deliver_and_submit()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(TestPaths.RepositoryRoot(), "README.md"));
        var block = Block().Match(readme);
        Assert.True(block.Success, "README lacks the swaks block");

        await using var server = new MailServer();
        var agent = await server.CreateMailboxAsync("agent");
        server.Started();
        var script = block.Groups[1].Value
            .Replace("localhost:2525", $"127.0.0.1:{server.MxPort}")
            .Replace("localhost:2465", $"127.0.0.1:{server.SubmissionTlsPort}")
            .Replace("'the-password'", $"'{agent.Password}'");

        var info = new ProcessStartInfo("bash") { ArgumentList = { "-euo", "pipefail", "-c", script }, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("<~  250 2.0.0 Ok: queued as", output);
        Assert.Contains("<~  235", output);

        using var reader = server.Rest(agent.Key);
        Assert.Equal(2, (await reader.GetJsonAsync($"/v1/mailboxes/{agent.Address}/messages")).GetArrayLength());
        Assert.Single((await reader.GetJsonAsync("/v1/outbound")).EnumerateArray());
    }

    [GeneratedRegex("<!-- swaks:begin -->\\s*```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();
}
