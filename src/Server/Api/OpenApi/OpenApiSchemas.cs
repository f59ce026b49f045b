using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;

namespace OpenMailserver.Server.Api.OpenApi;

/// <summary>OpenAPI schemas for protobuf types as JSON transcoding writes and reads them: fields under their
/// JSON names (our protos set those to snake_case), well-known types in their proto3 JSON forms, and every
/// other message a component named by its full proto name. Messages are referenced, never inlined, and
/// collected as they are met, so recursive messages are fine.</summary>
internal sealed class OpenApiSchemas
{
    public const string ErrorName = "Error";

    private readonly HashSet<string> _referenced = new(StringComparer.Ordinal);
    private readonly Queue<MessageDescriptor> _pending = new();

    public static JsonObject RefTo(string name) => new() { ["$ref"] = "#/components/schemas/" + name };

    /// <summary>Whether a field can travel in the query string: scalars, enums, lists of them and wrappers.
    /// Transcoding also binds dotted paths into nested messages (?tree.id=1); those are not listed.</summary>
    public static bool IsQueryable(FieldDescriptor field) =>
        !field.IsMap && (field.FieldType != FieldType.Message || (!field.IsRepeated && IsWrapper(field.MessageType)));

    public JsonObject Reference(MessageDescriptor message)
    {
        if (WellKnown(message) is { } inline) return inline;
        if (_referenced.Add(message.FullName)) _pending.Enqueue(message);
        return RefTo(message.FullName);
    }

    public JsonObject Object(IEnumerable<FieldDescriptor> fields, string? description = null)
    {
        var schema = new JsonObject { ["type"] = "object" };
        if (description is not null) schema["description"] = description;
        var properties = new JsonObject();
        foreach (var field in fields)
            properties[field.JsonName] = ProtoComments.Of(field) is { } comment ? With(Field(field), "description", comment) : Field(field);
        schema["properties"] = properties;
        return schema;
    }

    public JsonObject Field(FieldDescriptor field)
    {
        if (field.IsMap)
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = Single(field.MessageType.FindFieldByNumber(2)) };
        if (field.IsRepeated)
            return new JsonObject { ["type"] = "array", ["items"] = Single(field) };
        // proto3 `optional` (a synthetic oneof): unset is distinct from the default, and may be sent as null.
        return field.ContainingOneof?.IsSynthetic == true ? With(Single(field), "nullable", true) : Single(field);
    }

    /// <summary>Every message referenced so far (and what those reference), plus the shared error, by name.</summary>
    public JsonObject Components()
    {
        var built = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal) { [ErrorName] = Error() };
        while (_pending.TryDequeue(out var message))
            built[message.FullName] = Object(message.Fields.InDeclarationOrder(), ProtoComments.Of(message));
        var components = new JsonObject();
        foreach (var (name, schema) in built) components[name] = schema;
        return components;
    }

    /// <summary>A google.rpc.Status, which transcoding writes for every failed call.</summary>
    private static JsonObject Error() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["code"] = new JsonObject { ["type"] = "integer", ["format"] = "int32", ["description"] = "The gRPC status code." },
            ["message"] = new JsonObject { ["type"] = "string" },
            ["details"] = new JsonObject { ["type"] = "array", ["items"] = Any() },
        },
    };

    private JsonObject Single(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message or FieldType.Group => Reference(field.MessageType),
        FieldType.Enum => new JsonObject
        {
            ["type"] = "string",
            ["enum"] = new JsonArray(field.EnumType.Values.Select(v => (JsonNode)v.Name).ToArray()),
        },
        _ => Scalar(field.FieldType),
    };

    /// <summary>Transcoding's defaults (GrpcJsonSettings): 64-bit integers are written as JSON numbers, not
    /// the strings of Google.Protobuf's JsonFormatter (both forms are accepted on input).</summary>
    private static JsonObject Scalar(FieldType type) => type switch
    {
        FieldType.Bool => new JsonObject { ["type"] = "boolean" },
        FieldType.String => new JsonObject { ["type"] = "string" },
        FieldType.Bytes => new JsonObject { ["type"] = "string", ["format"] = "byte" },
        FieldType.Double => new JsonObject { ["type"] = "number", ["format"] = "double" },
        FieldType.Float => new JsonObject { ["type"] = "number", ["format"] = "float" },
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => new JsonObject { ["type"] = "integer", ["format"] = "int64" },
        // Unsigned values outgrow the signed format of the same width; int64 holds every uint32, and the
        // closest OpenAPI has for uint64.
        FieldType.UInt32 or FieldType.Fixed32 or FieldType.UInt64 or FieldType.Fixed64 =>
            new JsonObject { ["type"] = "integer", ["format"] = "int64", ["minimum"] = 0 },
        _ => throw new NotSupportedException($"No JSON mapping for protobuf field type {type}."),
    };

    private static JsonObject? WellKnown(MessageDescriptor message)
    {
        if (IsWrapper(message))
        {
            var scalar = Scalar(message.FindFieldByNumber(1).FieldType);
            scalar["nullable"] = true;
            return scalar;
        }
        return message.FullName switch
        {
            "google.protobuf.Timestamp" => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            "google.protobuf.Duration" => new JsonObject { ["type"] = "string", ["description"] = "Seconds with an s suffix, e.g. 1.5s." },
            "google.protobuf.FieldMask" => new JsonObject { ["type"] = "string", ["description"] = "Comma-separated field paths." },
            "google.protobuf.Struct" => new JsonObject { ["type"] = "object", ["additionalProperties"] = true },
            "google.protobuf.Value" => new JsonObject(),
            "google.protobuf.ListValue" => new JsonObject { ["type"] = "array", ["items"] = new JsonObject() },
            "google.protobuf.Empty" => new JsonObject { ["type"] = "object" },
            "google.protobuf.Any" => Any(),
            _ => null,
        };
    }

    private static bool IsWrapper(MessageDescriptor message) => message.File.Name == "google/protobuf/wrappers.proto";

    private static JsonObject Any() => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { ["@type"] = new JsonObject { ["type"] = "string" } },
        ["additionalProperties"] = true,
    };

    /// <summary>Sets a keyword; OpenAPI 3.0 ignores keywords beside a $ref, so a reference is wrapped in allOf.</summary>
    private static JsonObject With(JsonObject schema, string keyword, JsonNode value)
    {
        if (schema.ContainsKey("$ref")) schema = new JsonObject { ["allOf"] = new JsonArray(schema) };
        schema[keyword] = value;
        return schema;
    }
}
