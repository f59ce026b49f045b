using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace OpenMailserver.Server.Api.OpenApi;

/// <summary>An OpenAPI 3.0 document for the REST surface, made from the same protobuf descriptors JSON
/// transcoding serves, so it cannot drift from the API: every http rule becomes an operation, path
/// variables and the remaining fields of GET/DELETE requests become parameters, body rules become request
/// bodies, and each message a schema named by its full proto name with the JSON (snake_case) field names.</summary>
public static partial class OpenApiDocumentBuilder
{
    public static JsonObject Build(IEnumerable<ServiceDescriptor> services, string title, string version)
    {
        var schemas = new OpenApiSchemas();
        var paths = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var service in services.OrderBy(s => s.FullName, StringComparer.Ordinal))
        {
            foreach (var method in service.Methods)
            {
                if (method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule) continue;
                var bindings = new[] { rule }.Concat(rule.AdditionalBindings).ToList();
                for (var i = 0; i < bindings.Count; i++)
                {
                    var (verb, template) = Pattern(bindings[i]);
                    if (verb is null) continue;
                    var path = PathVariable().Replace(template, m => "{" + m.Groups[1].Value + "}");
                    var operation = Operation(service, method, bindings[i], template, schemas, i);
                    if (!paths.TryGetValue(path, out var item)) paths[path] = item = new JsonObject();
                    item[verb] = operation;
                }
            }
        }

        var pathsNode = new JsonObject();
        foreach (var (path, item) in paths) pathsNode[path] = item;
        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject { ["title"] = title, ["version"] = version },
            ["security"] = new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }),
            ["paths"] = pathsNode,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["apiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "X-OpenMailserver-Key" },
                },
                ["schemas"] = schemas.Build(),
            },
        };
    }

    private static JsonObject Operation(ServiceDescriptor service, MethodDescriptor method, HttpRule rule, string template, OpenApiSchemas schemas, int binding)
    {
        var input = method.InputType;
        var pathFields = PathVariable().Matches(template).Select(m => m.Groups[1].Value).ToHashSet();
        var parameters = new JsonArray();
        foreach (var name in pathFields)
        {
            var field = input.FindFieldByName(name);
            parameters.Add(new JsonObject
            {
                ["name"] = field?.JsonName ?? name, ["in"] = "path", ["required"] = true,
                ["schema"] = field is null ? new JsonObject { ["type"] = "string" } : schemas.Field(field),
            });
        }

        var operation = new JsonObject
        {
            ["operationId"] = $"{service.Name}_{method.Name}" + (binding > 0 ? $"_{binding}" : ""),
            ["summary"] = Words().Replace(method.Name, " $1").Trim(),
            ["tags"] = new JsonArray(service.Name),
        };

        var bodyFields = new List<FieldDescriptor>();
        if (rule.Body == "*") bodyFields.AddRange(input.Fields.InDeclarationOrder().Where(f => !pathFields.Contains(f.Name)));
        else if (rule.Body.Length > 0 && input.FindFieldByName(rule.Body) is { } bodyField)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemas.Field(bodyField) } },
            };
        }
        if (rule.Body != "*")
        {
            foreach (var field in input.Fields.InDeclarationOrder().Where(f => !pathFields.Contains(f.Name) && f.Name != rule.Body && OpenApiSchemas.IsQueryable(f)))
                parameters.Add(new JsonObject { ["name"] = field.JsonName, ["in"] = "query", ["schema"] = schemas.Field(field) });
        }
        if (bodyFields.Count > 0)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemas.Object(bodyFields) } },
            };
        }
        if (parameters.Count > 0) operation["parameters"] = parameters;

        JsonObject content;
        if (method.OutputType.FullName == "google.api.HttpBody")
            content = new JsonObject { ["*/*"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["format"] = "binary" } } };
        else
        {
            var schema = rule.ResponseBody.Length > 0 && method.OutputType.FindFieldByName(rule.ResponseBody) is { } responseField
                ? schemas.Field(responseField)
                : schemas.Reference(method.OutputType);
            content = new JsonObject { [method.IsServerStreaming ? "application/x-ndjson" : "application/json"] = new JsonObject { ["schema"] = schema } };
        }
        operation["responses"] = new JsonObject
        {
            ["200"] = new JsonObject { ["description"] = method.IsServerStreaming ? "One JSON object per line." : "OK", ["content"] = content },
            ["default"] = new JsonObject
            {
                ["description"] = "An error: the gRPC status code and a message.",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemas.Error() } },
            },
        };
        return operation;
    }

    private static (string? Verb, string Template) Pattern(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => ("get", rule.Get),
        HttpRule.PatternOneofCase.Post => ("post", rule.Post),
        HttpRule.PatternOneofCase.Put => ("put", rule.Put),
        HttpRule.PatternOneofCase.Patch => ("patch", rule.Patch),
        HttpRule.PatternOneofCase.Delete => ("delete", rule.Delete),
        HttpRule.PatternOneofCase.Custom => (rule.Custom.Kind.ToLowerInvariant(), rule.Custom.Path),
        _ => (null, ""),
    };

    [GeneratedRegex(@"\{([A-Za-z0-9_.]+)(=[^}]*)?\}")]
    private static partial Regex PathVariable();

    [GeneratedRegex("([A-Z])")]
    private static partial Regex Words();
}
