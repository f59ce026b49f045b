using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenMailserver.Admin.Services;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Api;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Delivery.Bounces;
using OpenMailserver.Server.Delivery.Dkim;
using OpenMailserver.Server.Delivery.Outbound;
using OpenMailserver.Server.Delivery;
using OpenMailserver.Server.Dns;
using OpenMailserver.Server.Events;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Imap;
using OpenMailserver.Server.MailAuthentication;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Net;
using OpenMailserver.Server.Operations;
using OpenMailserver.Server.Smtp;
using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Submission;
using OpenMailserver.Server.Telemetry;
using OpenMailserver.Server.Webhooks;

namespace OpenMailserver.Server.Hosting;

/// <summary>What the server is made of, as a table of contents: options, then each area's own registration
/// (<c>AddStorage()</c>, <c>AddSmtp()</c>, … in the area's <c>*Registration</c> file), then the web host: the
/// gRPC API with JSON transcoding, the dashboard, MCP and the HTTP listeners.</summary>
public static class OpenMailserverServices
{
    public static WebApplicationBuilder AddOpenMailserver(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OpenMailserverOptions>().Bind(builder.Configuration.GetSection(OpenMailserverOptions.Section)).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<OpenMailserverOptions>, OpenMailserverOptionsSetup>();
        services.AddSingleton<IValidateOptions<OpenMailserverOptions>, ServerOptionsValidator>();
        services.AddSectionOptions();
        services.AddSingleton(TimeProvider.System);

        var logs = new LogRingBuffer();
        services.AddSingleton(logs);
        builder.Logging.AddProvider(new RingBufferLoggerProvider(logs));

        // Each area registers its own services; hosted services start in this order.
        services
            .AddStorage()
            .AddEvents()
            .AddWebhooks()
            .AddAccounts()
            .AddMessages()
            .AddSubmission()
            .AddTelemetry()
            .AddOperations()
            .AddNet()
            .AddSmtp()
            .AddDns()
            .AddMailAuthentication()
            .AddDelivery()
            .AddImap();
        services.AddSingleton<MailboxAccess>();

        services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ErrorInterceptor>();
            grpc.Interceptors.Add<ApiKeyInterceptor>();
            // Room for a whole message at Limits:MaxMessageBytes plus its JSON or base64 overhead.
            var limit = builder.Configuration.GetValue<long?>($"{OpenMailserverOptions.Section}:Limits:MaxMessageBytes") ?? new LimitsOptions().MaxMessageBytes;
            grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, limit * 2 + 64 * 1024);
        }).AddJsonTranscoding();
        services.AddGrpcReflection();
        services.AddHttpContextAccessor();
        services.AddOpenMailserverAdmin();
        services.AddSingleton<IAdminClientFactory>(provider => new GrpcAdminClientFactory(AdminGrpcAddress(provider.GetRequiredService<IOptions<OpenMailserverOptions>>().Value)));
        services.AddSingleton(provider =>
        {
            var o = provider.GetRequiredService<IOptions<OpenMailserverOptions>>().Value;
            return new ClientSettings(o.Hostname ?? "localhost", o.Imap.TlsPort, o.Smtp.SubmissionTlsPort, o.Smtp.SubmissionPort);
        });
        services.AddMcpServer(mcp => mcp.ServerInfo = new ModelContextProtocol.Protocol.Implementation { Name = "Open Mailserver", Version = "1.0" })
            .WithHttpTransport(transport => transport.Stateless = true)
            .WithTools<Mcp.MailboxTools>();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var o = kestrel.ApplicationServices.GetRequiredService<IOptions<OpenMailserverOptions>>().Value;
            var address = IPAddress.Parse(o.BindAddress!);
            kestrel.Listen(address, o.HttpPort, listen => listen.Protocols = HttpProtocols.Http1);
            // Cleartext HTTP/2 cannot share a port with HTTP/1.1, so native gRPC has its own.
            if (o.GrpcPort > 0) kestrel.Listen(address, o.GrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            if (o.HttpsPort > 0)
            {
                var certificates = kestrel.ApplicationServices.GetRequiredService<TlsCertificateProvider>();
                kestrel.Listen(address, o.HttpsPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => certificates.Current);
                });
            }
        });
        return builder;
    }

    /// <summary>The dashboard calls the control plane like any client, over the local gRPC port.</summary>
    private static string AdminGrpcAddress(OpenMailserverOptions o)
    {
        var host = o.BindAddress is null or "0.0.0.0" or "::" ? "127.0.0.1" : o.BindAddress;
        return $"http://{(host.Contains(':') ? $"[{host}]" : host)}:{o.GrpcPort}";
    }
}
