using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

/// <summary>Builds a <see cref="Report"/> from any object graph: it is serialised to JSON with snake_case
/// names and parsed into the report's Struct.</summary>
public static class ReportBuilder
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Report Build(string status, object details) => new()
    {
        Status = status,
        Details = Struct.Parser.ParseJson(JsonSerializer.Serialize(details, Json)),
    };
}
