using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace OpenMailserver.Server.Api.OpenApi;

/// <summary>An OpenAPI 3.0 document for the REST surface, made from the same protobuf descriptors and
/// <c>google.api.http</c> rules JSON transcoding serves, so it cannot drift from the API. Each rule and
/// additional binding is an operation: path variables are path parameters, the fields a body does not carry
/// are query parameters, and messages are schemas named by their full proto names.</summary>
public static partial class OpenApiDocumentBuilder
{
    /// <summary>The verbs an OpenAPI 3.0 path item can hold, in its canonical order; a custom rule with any
    /// other verb cannot be described and is left out.</summary>
    private static readonly string[] Verbs = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private const string HttpBodyType = "google.api.HttpBody";

    public static JsonObject Build(IEnumerable<ServiceDescriptor> services, string title, string version)
    {
        var schemas = new OpenApiSchemas();
        var paths = new SortedDictionary<string, SortedDictionary<string, JsonObject>>(StringComparer.Ordinal);
        var verbOrder = Comparer<string>.Create((a, b) => Array.IndexOf(Verbs, a).CompareTo(Array.IndexOf(Verbs, b)));
        var tags = new JsonArray();
        foreach (var service in services.OrderBy(s => s.FullName, StringComparer.Ordinal))
        {
            tags.Add(WithDescription(new JsonObject { ["name"] = service.Name }, ProtoComments.Of(service)));
            // Transcoding serves unary and server-streaming methods only.
            foreach (var method in service.Methods.Where(m => !m.IsClientStreaming))
            {
                if (method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule) continue;
                var bindings = new[] { rule }.Concat(rule.AdditionalBindings).ToList();
                for (var i = 0; i < bindings.Count; i++)
                {
                    if (Route(bindings[i]) is not (string verb, string template)) continue;
                    var path = PathVariable().Replace(template, m => "{" + m.Groups[1].Value + "}");
                    if (!paths.TryGetValue(path, out var item)) paths[path] = item = new SortedDictionary<string, JsonObject>(verbOrder);
                    if (!item.TryAdd(verb, Operation(service, method, bindings[i], template, i, schemas)))
                        throw new InvalidOperationException($"{method.FullName} and another method both bind {verb.ToUpperInvariant()} {path}.");
                }
            }
        }

        var pathsNode = new JsonObject();
        foreach (var (path, item) in paths) pathsNode[path] = new JsonObject(item.Select(o => KeyValuePair.Create(o.Key, (JsonNode?)o.Value)));
        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject { ["title"] = title, ["version"] = version },
            ["tags"] = tags,
            ["security"] = new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }),
            ["paths"] = pathsNode,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["apiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "X-OpenMailserver-Key" },
                },
                ["schemas"] = schemas.Components(),
            },
        };
    }

    private static JsonObject Operation(ServiceDescriptor service, MethodDescriptor method, HttpRule rule, string template, int binding, OpenApiSchemas schemas)
    {
        var comment = ProtoComments.Of(method);
        var operation = new JsonObject
        {
            ["operationId"] = $"{service.Name}_{method.Name}" + (binding > 0 ? $"_{binding + 1}" : ""),
            ["summary"] = comment is null ? Words(method.Name) : ProtoComments.FirstSentence(comment),
        };
        WithDescription(operation, comment);
        operation["tags"] = new JsonArray(service.Name);

        var input = method.InputType;
        var parameters = new JsonArray();
        var inPath = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match variable in PathVariable().Matches(template))
        {
            var name = variable.Groups[1].Value;
            inPath.Add(name);
            parameters.Add(Parameter(name, "path", FieldAt(input, name, method), schemas));
        }

        JsonObject? requestBody = null;
        if (rule.Body == "*")
            requestBody = input.FullName == HttpBodyType
                ? Binary()
                : Json(schemas.Object(input.Fields.InDeclarationOrder().Where(f => !inPath.Contains(f.Name))));
        else
        {
            if (rule.Body.Length > 0)
            {
                var body = FieldAt(input, rule.Body, method);
                requestBody = IsHttpBody(body) ? Binary() : Json(schemas.Field(body));
            }
            // Without a whole-message body, every other top-level field is read from the query string.
            foreach (var field in input.Fields.InDeclarationOrder())
                if (!inPath.Contains(field.Name) && field.Name != rule.Body && OpenApiSchemas.IsQueryable(field))
                    parameters.Add(Parameter(field.JsonName, "query", field, schemas));
        }
        if (parameters.Count > 0) operation["parameters"] = parameters;
        if (requestBody is not null) operation["requestBody"] = new JsonObject { ["required"] = true, ["content"] = requestBody };

        operation["responses"] = new JsonObject
        {
            ["200"] = Response(method, rule, schemas),
            ["default"] = new JsonObject
            {
                ["description"] = "The call failed: the gRPC status (mapped to the HTTP status) and why.",
                ["content"] = Json(OpenApiSchemas.RefTo(OpenApiSchemas.ErrorName)),
            },
        };
        return operation;
    }

    private static JsonObject Response(MethodDescriptor method, HttpRule rule, OpenApiSchemas schemas)
    {
        // response_body: one field of the response message is the whole HTTP body.
        var field = rule.ResponseBody.Length == 0 ? null : FieldAt(method.OutputType, rule.ResponseBody, method);
        if (field is null ? method.OutputType.FullName == HttpBodyType : IsHttpBody(field))
            return new JsonObject { ["description"] = "The content, in its own media type.", ["content"] = Binary() };
        var schema = field is null ? schemas.Reference(method.OutputType) : schemas.Field(field);
        // Transcoding writes each streamed message as a JSON object followed by a newline.
        return method.IsServerStreaming
            ? new JsonObject
            {
                ["description"] = "A stream of JSON objects, one per line (sent with Content-Type application/json).",
                ["content"] = new JsonObject { ["application/x-ndjson"] = new JsonObject { ["schema"] = schema } },
            }
            : WithPageToken(new JsonObject { ["description"] = "OK", ["content"] = Json(schema) }, method, field);
    }

    /// <summary>A list whose body is a bare array carries its next_page_token in a header instead
    /// (<see cref="CallContextExtensions.NextPageTokenHeader"/>): say so, or agents could not page.</summary>
    private static JsonObject WithPageToken(JsonObject response, MethodDescriptor method, FieldDescriptor? responseField)
    {
        if (responseField is null || method.OutputType.FindFieldByName("next_page_token") is null) return response;
        response["headers"] = new JsonObject
        {
            [CallContextExtensions.NextPageTokenHeader] = new JsonObject
            {
                ["description"] = "Present when there are more results: pass it back as page_token with the same filters.",
                ["schema"] = new JsonObject { ["type"] = "string" },
            },
        };
        return response;
    }

    private static JsonObject Parameter(string name, string location, FieldDescriptor field, OpenApiSchemas schemas)
    {
        var parameter = new JsonObject { ["name"] = name, ["in"] = location };
        if (location == "path") parameter["required"] = true;
        WithDescription(parameter, ProtoComments.Of(field));
        parameter["schema"] = schemas.Field(field);
        // A list is sent as the same key repeated: ?label=a&label=b.
        if (field.IsRepeated)
        {
            parameter["style"] = "form";
            parameter["explode"] = true;
        }
        return parameter;
    }

    /// <summary>The field a rule names by its (possibly dotted) proto field path. Transcoding refuses to start
    /// on a rule naming a missing field, so one here is a broken proto.</summary>
    private static FieldDescriptor FieldAt(MessageDescriptor message, string path, MethodDescriptor method)
    {
        FieldDescriptor? field = null;
        MessageDescriptor? type = message;
        foreach (var part in path.Split('.'))
        {
            field = type?.FindFieldByName(part)
                    ?? throw new InvalidOperationException($"The http rule of {method.FullName} names {path}, which is not a field of {message.FullName}.");
            type = field.FieldType == FieldType.Message ? field.MessageType : null;
        }
        return field!;
    }

    private static bool IsHttpBody(FieldDescriptor field) =>
        field.FieldType == FieldType.Message && !field.IsRepeated && field.MessageType.FullName == HttpBodyType;

    private static (string Verb, string Template)? Route(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => ("get", rule.Get),
        HttpRule.PatternOneofCase.Put => ("put", rule.Put),
        HttpRule.PatternOneofCase.Post => ("post", rule.Post),
        HttpRule.PatternOneofCase.Delete => ("delete", rule.Delete),
        HttpRule.PatternOneofCase.Patch => ("patch", rule.Patch),
        HttpRule.PatternOneofCase.Custom when Verbs.Contains(rule.Custom.Kind.ToLowerInvariant()) => (rule.Custom.Kind.ToLowerInvariant(), rule.Custom.Path),
        _ => null,
    };

    private static JsonObject Json(JsonObject schema) => new() { ["application/json"] = new JsonObject { ["schema"] = schema } };

    /// <summary>google.api.HttpBody: raw bytes in whatever content type the message names.</summary>
    private static JsonObject Binary() => new() { ["*/*"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["format"] = "binary" } } };

    private static JsonObject WithDescription(JsonObject node, string? description)
    {
        if (description is not null) node["description"] = description;
        return node;
    }

    /// <summary>"ListMessages" → "List messages", the summary when the descriptor has no comments.</summary>
    private static string Words(string name)
    {
        var words = WordStart().Split(name);
        return string.Join(' ', words.Select((w, i) => i == 0 ? w : w.ToLowerInvariant()));
    }

    /// <summary>A path template variable, <c>{name}</c> or <c>{name=pattern}</c>; OpenAPI has only the name.</summary>
    [GeneratedRegex(@"\{([^}=]+)(?:=[^}]*)?\}")]
    private static partial Regex PathVariable();

    [GeneratedRegex("(?<=[a-z0-9])(?=[A-Z])")]
    private static partial Regex WordStart();
}
