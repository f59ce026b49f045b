using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;

namespace OpenMailserver.Server.Api.OpenApi;

/// <summary>OpenAPI schemas for protobuf messages as transcoding writes them (proto3 JSON with the fields'
/// JSON names; 64-bit integers as numbers; well-known types in their JSON forms). Messages are referenced
/// and collected once, so recursive types are fine.</summary>
public sealed class OpenApiSchemas
{
    private readonly SortedDictionary<string, JsonObject> _schemas = new(StringComparer.Ordinal);
    private readonly Queue<MessageDescriptor> _pending = new();

    /// <summary>Fields a GET or DELETE takes from the query string: scalars, enums and lists of them.</summary>
    public static bool IsQueryable(FieldDescriptor field) => field.FieldType != FieldType.Message && !field.IsMap;

    public JsonObject Reference(MessageDescriptor message)
    {
        if (WellKnown(message) is { } known) return known;
        if (!_schemas.ContainsKey(message.FullName) && !_pending.Contains(message)) _pending.Enqueue(message);
        return new JsonObject { ["$ref"] = "#/components/schemas/" + message.FullName };
    }

    public JsonObject Object(IEnumerable<FieldDescriptor> fields)
    {
        var properties = new JsonObject();
        foreach (var field in fields) properties[field.JsonName] = Field(field);
        return new JsonObject { ["type"] = "object", ["properties"] = properties };
    }

    public JsonObject Field(FieldDescriptor field)
    {
        if (field.IsMap)
        {
            var value = field.MessageType.FindFieldByNumber(2);
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = Single(value) };
        }
        var schema = Single(field);
        if (field.IsRepeated) return new JsonObject { ["type"] = "array", ["items"] = schema };
        if (field.RealContainingOneof is null && field.ContainingOneof is not null && !schema.ContainsKey("$ref")) schema["nullable"] = true;
        return schema;
    }

    public JsonObject Error() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["code"] = new JsonObject { ["type"] = "integer", ["description"] = "The gRPC status code." },
            ["message"] = new JsonObject { ["type"] = "string" },
            ["details"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject() },
        },
    };

    public JsonObject Build()
    {
        while (_pending.TryDequeue(out var message))
        {
            if (_schemas.ContainsKey(message.FullName)) continue;
            _schemas[message.FullName] = new JsonObject();
            _schemas[message.FullName] = Object(message.Fields.InDeclarationOrder());
        }
        var result = new JsonObject();
        foreach (var (name, schema) in _schemas) result[name] = schema;
        return result;
    }

    private JsonObject Single(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Bool => new JsonObject { ["type"] = "boolean" },
        FieldType.String => new JsonObject { ["type"] = "string" },
        FieldType.Bytes => new JsonObject { ["type"] = "string", ["format"] = "byte" },
        FieldType.Double or FieldType.Float => new JsonObject { ["type"] = "number" },
        FieldType.Int64 or FieldType.UInt64 or FieldType.SInt64 or FieldType.Fixed64 or FieldType.SFixed64 =>
            new JsonObject { ["type"] = "integer", ["format"] = "int64" },
        FieldType.Enum => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(field.EnumType.Values.Select(v => (JsonNode)v.Name).ToArray()) },
        FieldType.Message or FieldType.Group => Reference(field.MessageType),
        _ => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
    };

    private static JsonObject? WellKnown(MessageDescriptor message) => message.FullName switch
    {
        "google.protobuf.Timestamp" => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        "google.protobuf.Duration" => new JsonObject { ["type"] = "string", ["example"] = "1.5s" },
        "google.protobuf.Struct" => new JsonObject { ["type"] = "object", ["additionalProperties"] = true },
        "google.protobuf.Value" => new JsonObject(),
        "google.protobuf.ListValue" => new JsonObject { ["type"] = "array", ["items"] = new JsonObject() },
        "google.protobuf.Empty" => new JsonObject { ["type"] = "object" },
        "google.protobuf.StringValue" => new JsonObject { ["type"] = "string", ["nullable"] = true },
        "google.protobuf.BoolValue" => new JsonObject { ["type"] = "boolean", ["nullable"] = true },
        "google.protobuf.Int32Value" or "google.protobuf.UInt32Value" => new JsonObject { ["type"] = "integer", ["format"] = "int32", ["nullable"] = true },
        "google.protobuf.Int64Value" or "google.protobuf.UInt64Value" => new JsonObject { ["type"] = "integer", ["format"] = "int64", ["nullable"] = true },
        "google.protobuf.DoubleValue" or "google.protobuf.FloatValue" => new JsonObject { ["type"] = "number", ["nullable"] = true },
        _ => null,
    };
}
