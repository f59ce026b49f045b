using System.Diagnostics;
using System.Text;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>The server as a real process on real ports, for what only a process shows: start-up from
/// nothing, the real listeners, and a kill -9.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, int httpPort, int grpcPort, string dataDirectory)
    {
        _process = process;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        DataDirectory = dataDirectory;
    }

    /// <summary>The server's own process (the dotnet host runs it in-process), for /proc/&lt;pid&gt;.</summary>
    public int ProcessId => _process.Id;

    public int HttpPort { get; }
    public int GrpcPort { get; }
    public string DataDirectory { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }
    public string HttpBase => $"http://127.0.0.1:{HttpPort}";
    public string GrpcBase => $"http://127.0.0.1:{GrpcPort}";

    /// <summary>Starts <c>dotnet OpenMailserver.Server.dll</c> (or <paramref name="command"/> when given,
    /// run by bash in <paramref name="workingDirectory"/>) and waits until /health answers.</summary>
    /// <summary>Runs a command of the server executable (<c>restore …</c>) to its end: exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunCommandAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(ServerDll());
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    public static async Task<ServerProcess> StartAsync(string? dataDirectory = null, string? command = null, string? workingDirectory = null,
        IDictionary<string, string>? environment = null, TimeSpan? timeout = null, int? httpPort = null, int? grpcPort = null)
    {
        dataDirectory ??= TestPaths.NewTempDirectory();
        // Given ports let a restarted server come back where its clients left it.
        httpPort ??= TestPaths.FreeTcpPort();
        grpcPort ??= TestPaths.FreeTcpPort();
        var serverDll = ServerDll();
        var info = command is null
            ? new ProcessStartInfo("dotnet") { ArgumentList = { serverDll }, WorkingDirectory = Path.GetDirectoryName(serverDll)! }
            : new ProcessStartInfo("bash") { ArgumentList = { "-c", "exec " + command }, WorkingDirectory = workingDirectory ?? TestPaths.RepositoryRoot() };
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["OpenMailserver__DataDirectory"] = dataDirectory;
        info.Environment["OpenMailserver__HttpPort"] = httpPort.ToString();
        info.Environment["OpenMailserver__GrpcPort"] = grpcPort.ToString();
        foreach (var port in new[] { "Smtp__Port", "Smtp__SubmissionTlsPort", "Smtp__SubmissionPort", "Imap__TlsPort", "Imap__Port" })
            info.Environment["OpenMailserver__" + port] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var process = Process.Start(info)!;
        var server = new ServerProcess(process, httpPort.Value, grpcPort.Value, dataDirectory);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The server exited with {process.ExitCode}:\n{server.Output}");
            try
            {
                if ((await http.GetAsync(server.HttpBase + "/health")).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        await server.DisposeAsync();
        throw new TimeoutException($"The server did not answer /health in time:\n{server.Output}");
    }

    /// <summary>The server's own build output (same configuration as the tests), with its runtime config.</summary>
    public static string ServerDll()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(TestPaths.RepositoryRoot(), "src", "Server", "bin", configuration, "net10.0", "OpenMailserver.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the server first.", dll);
    }

    /// <summary>CPU time the server process has used so far, all threads together.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The server process's resident memory now (VmRSS).</summary>
    public long ResidentBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    public string AdminKey => File.ReadAllText(Path.Combine(DataDirectory, "admin-api-key")).Trim();

    /// <summary>SIGKILL, as a crash would: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public HttpClient Rest(string? key = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(HttpBase) };
        if (key is not null) client.DefaultRequestHeaders.Add("X-OpenMailserver-Key", key);
        return client;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
