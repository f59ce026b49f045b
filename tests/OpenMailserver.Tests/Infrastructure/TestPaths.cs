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

    public static int FreeTcpPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
