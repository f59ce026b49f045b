using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OpenMailserver.Admin.Services;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Api.OpenApi;
using OpenMailserver.Server.Api;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Delivery.Dkim;
using OpenMailserver.Server.Mcp;
using OpenMailserver.Server.Operations;
using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Telemetry;

namespace OpenMailserver.Server.Hosting;

/// <summary>What happens once at start, before any request: the data directory, the schema, the admin
/// key; then the endpoints; then, once the listeners are bound, one line for each.</summary>
public static class ServerStartup
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static async Task InitializeOpenMailserverAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<OpenMailserverOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenMailserver");

        if (!Directory.Exists(options.DataDirectory))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(options.DataDirectory);
            else Directory.CreateDirectory(options.DataDirectory, PrivateDirectory);
        }
        else if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(options.DataDirectory) != PrivateDirectory)
        {
            // It holds keys, passwords' hashes and every message: nobody else may list or enter it.
            File.SetUnixFileMode(options.DataDirectory, PrivateDirectory);
            logger.LogWarning("The data directory {DataDirectory} was open to other users; it is now mode 0700", options.DataDirectory);
        }
        KeepDatabasePrivate(app.Services.GetRequiredService<Database>().FilePath);
        await app.Services.GetRequiredService<Migrator>().MigrateAsync();
        var keyFile = await app.Services.GetRequiredService<ApiKeyService>().EnsureAdminKeyAsync();
        var dkim = app.Services.GetRequiredService<DkimKeys>();
        foreach (var domain in await app.Services.GetRequiredService<IMailboxRepository>().ListDomainsAsync()) await dkim.EnsureAsync(domain);

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var registry = app.Services.GetRequiredService<ListenerRegistry>();
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                var uri = new Uri(address);
                var (name, role) = uri.Port == options.GrpcPort ? ("grpc", "gRPC (HTTP/2 cleartext)")
                    : uri.Port == options.HttpsPort ? ("https", "REST and gRPC over TLS")
                    : ("http", "REST /v1 and /health");
                registry.Bound(name, address);
                logger.LogInformation("{Role} listening on {Address}", role, address);
            }
            logger.LogInformation("Data directory: {DataDirectory}", options.DataDirectory);
            logger.LogInformation(keyFile is null
                ? "Admin API key: the configured OpenMailserver:AdminApiKey"
                : "Admin API key: in {KeyFile} (send it as the X-OpenMailserver-Key header)", keyFile);
        });
    }

    /// <summary>SQLite creates the database with the process's umask (0644 by default) and gives its -wal and -shm
    /// files the database file's mode; creating the empty file first with 0600 keeps all three private. Files
    /// left readable by an older version are tightened too.</summary>
    private static void KeepDatabasePrivate(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        const UnixFileMode privateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (!File.Exists(path)) new FileStream(path, DurableFile.PrivateCreate()).Dispose();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            if (File.Exists(file) && File.GetUnixFileMode(file) != privateMode) File.SetUnixFileMode(file, privateMode);
    }

    public static void MapOpenMailserver(this WebApplication app)
    {
        app.UseApiKeyGate();
        app.UseEmptyJsonBody();
        app.MapGrpcService<MailboxesApi>();
        app.MapGrpcService<AliasesApi>();
        app.MapGrpcService<MailApi>();
        app.MapGrpcService<MessagesApi>();
        app.MapGrpcService<EventsApi>();
        app.MapGrpcService<WebhooksApi>();
        app.MapGrpcService<QueueApi>();
        app.MapGrpcService<DebugApi>();
        app.MapGrpcService<OperationsApi>();
        app.MapGrpcService<DnsPlanApi>();
        app.MapGrpcReflectionService();
        app.MapGet("/health", HealthEndpoint.HandleAsync);
        app.MapPrometheusScrapingEndpoint();
        app.MapGet("/mail/config-v1.1.xml", AutoconfigEndpoint.HandleAsync);
        app.MapGet("/.well-known/autoconfig/mail/config-v1.1.xml", AutoconfigEndpoint.HandleAsync);
        app.MapGet("/.well-known/mta-sts.txt", MtaStsEndpoint.Handle);
        app.MapOpenApi();
        app.UseMcpAuthentication();
        app.MapMcp(McpAuthentication.Path);
        app.MapOpenMailserverAdmin();
    }
}
