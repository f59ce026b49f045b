using System.Diagnostics;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>Every input that once crashed or hung a fuzz target (fuzz/run.sh), replayed through the same
/// target as a process of its own: a stack overflow there ends that process, not the test run.</summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        var root = Path.Combine(TestPaths.RepositoryRoot(), "tests", "OpenMailserver.Tests", "Fuzz", "Inputs");
        foreach (var target in Directory.GetDirectories(root).Order())
            foreach (var input in Directory.GetFiles(target).Order())
                data.Add(Path.GetFileName(target), Path.GetFileName(input));
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task The_target_survives_the_input(string target, string input)
    {
        var path = Path.Combine(TestPaths.RepositoryRoot(), "tests", "OpenMailserver.Tests", "Fuzz", "Inputs", target, input);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(HarnessDll());
        info.ArgumentList.Add(target);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await using (var stdin = process.StandardInput.BaseStream)
            await stdin.WriteAsync(await File.ReadAllBytesAsync(path));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{target} hung on {input}");
        }
        Assert.True(process.ExitCode == 0, $"{target} failed on {input} (exit {process.ExitCode}): {await output}{await error}");
    }

    private static string HarnessDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(TestPaths.RepositoryRoot(), "fuzz", "OpenMailserver.Fuzz", "bin", configuration, "net10.0", "OpenMailserver.Fuzz.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the fuzz harness first (dotnet build OpenMailserver.sln).", dll);
    }
}
