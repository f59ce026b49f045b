extern alias ServerAssembly;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using OpenMailserver.Sdk;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>The whole server in-process (ASP.NET Core's test host) on its own data directory, with a real
/// SQLite file and blob store. REST goes through <see cref="Rest"/>; gRPC through the SDK on the same host.</summary>
public class ServerFactory : WebApplicationFactory<ServerAssembly::Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDirectory;

    public ServerFactory(string? dataDirectory = null, IDictionary<string, string?>? settings = null)
    {
        _ownsDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? TestPaths.NewTempDirectory();
        // Mail listeners are off unless a test asks for them, so parallel servers do not fight over ports.
        _settings = new Dictionary<string, string?>
        {
            ["OpenMailserver:Smtp:Port"] = "0",
            ["OpenMailserver:Smtp:SubmissionTlsPort"] = "0",
            ["OpenMailserver:Smtp:SubmissionPort"] = "0",
            ["OpenMailserver:Imap:TlsPort"] = "0",
            ["OpenMailserver:Imap:Port"] = "0",
            // No test asks the internet's DNS; a test that needs records runs its own server.
            ["OpenMailserver:Delivery:DnsServers:0"] = Dnsmasq.Shared.Address,
            // Test DNS points mail hosts at loopback; the tests of the refusal turn this off.
            ["OpenMailserver:Delivery:AllowPrivateDestinations"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) _settings[key] = value;
        _settings["OpenMailserver:DataDirectory"] = DataDirectory;
    }

    public string DataDirectory { get; }

    /// <summary>The real HTTP/1.1 port when <see cref="OverSockets"/> was called; 0 for the in-memory test host.</summary>
    public int HttpPort { get; private set; }

    /// <summary>The real native gRPC (h2c) port when <see cref="OverSockets"/> was called.</summary>
    public int GrpcPort { get; private set; }

    /// <summary>Serves HTTP on real loopback ports (Kestrel, as in production) instead of the in-memory test host,
    /// for what only a socket shows: a stream cut by the server, a body the server never reads. Call before
    /// anything starts the server; <see cref="Rest"/> then goes over the socket.</summary>
    public void OverSockets()
    {
        (HttpPort, GrpcPort) = (TestPaths.FreeTcpPort(), TestPaths.FreeTcpPort());
        _settings["OpenMailserver:HttpPort"] = HttpPort.ToString();
        _settings["OpenMailserver:GrpcPort"] = GrpcPort.ToString();
        UseKestrel();
    }

    /// <summary>The generated admin key; starts the server first, since the key is written at start-up.</summary>
    public string AdminKey
    {
        get
        {
            _ = Services;
            return File.ReadAllText(Path.Combine(DataDirectory, "admin-api-key")).Trim();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(_settings));
    }

    /// <summary>An HTTP client for the REST API, sending <paramref name="key"/> when given.</summary>
    public HttpClient Rest(string? key = null)
    {
        _ = Services;
        var client = HttpPort == 0 ? CreateClient() : new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}") };
        if (key is not null) client.DefaultRequestHeaders.Add("X-OpenMailserver-Key", key);
        return client;
    }

    /// <summary>The SDK over native gRPC (HTTP/2) to this host.</summary>
    public OpenMailserverClient Sdk(string key)
    {
        var channel = GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });
        return new OpenMailserverClient(channel, key);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        if (disposing && _ownsDirectory)
        {
            try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
        }
    }
}
