using System.Text.Json;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace OpenMailserver.Server.Api.OpenApi;

/// <summary>Serves the OpenAPI document at <c>/openapi.json</c> (agents load it as tool definitions) and a
/// browsable page for it at <c>/docs</c>. The document describes the API, not any data, so it needs no key.</summary>
public static class OpenApiEndpoint
{
    public const string Path = "/openapi.json";
    public const string PagePrefix = "docs";

    /// <summary>Every service served under /v1.</summary>
    public static readonly IReadOnlyList<ServiceDescriptor> Services =
    [
        V1.Mailboxes.Descriptor, V1.Aliases.Descriptor, V1.Mail.Descriptor, V1.Messages.Descriptor, V1.Events.Descriptor, V1.Webhooks.Descriptor, V1.Queue.Descriptor,
        V1.Debug.Descriptor, V1.Operations.Descriptor, V1.DnsPlan.Descriptor,
    ];

    private static readonly Lazy<string> Document = new(() =>
        OpenApiDocumentBuilder.Build(Services, "Open Mailserver", typeof(OpenApiEndpoint).Assembly.GetName().Version?.ToString(3) ?? "1.0.0")
            .ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public static IResult Handle() => Results.Text(Document.Value, "application/json");

    public static void MapOpenApi(this WebApplication app)
    {
        app.MapGet(Path, Handle);
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = PagePrefix;
            ui.DocumentTitle = "Open Mailserver API";
            ui.SwaggerEndpoint(Path, "Open Mailserver");
        });
    }
}
