namespace OpenMailserver.Tests.Infrastructure;

public static class TestPaths
{
    /// <summary>A new empty directory under the system temp folder.</summary>
    public static string NewTempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "openmailserver-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The repository root (where OpenMailserver.sln is).</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OpenMailserver.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("OpenMailserver.sln not found above " + AppContext.BaseDirectory);
    }

    // Ports are handed out below Linux's ephemeral range (32768–60999), so the kernel never gives one to an
    // outgoing connection between the moment a test picks it and the moment a server binds it, and each port
    // goes out once per run, so a port a stopped server gave up is not handed to another test.
    private const int FirstPort = 20000;
    private const int PortCount = 12000;
    private static int _nextPort = Environment.ProcessId * 7919 % PortCount;

    /// <summary>A loopback TCP port nobody is listening on, unique in this test run.</summary>
    public static int FreeTcpPort()
    {
        for (var attempt = 0; attempt < PortCount; attempt++)
        {
            var port = FirstPort + (int)((uint)Interlocked.Increment(ref _nextPort) % PortCount);
            try
            {
                var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
                // In use by someone else: take the next one.
            }
        }
        throw new InvalidOperationException($"No free TCP port between {FirstPort} and {FirstPort + PortCount}.");
    }
}
