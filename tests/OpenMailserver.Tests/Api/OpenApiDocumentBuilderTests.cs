extern alias ServerAssembly;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using ServerAssembly::OpenMailserver.Server.Api.OpenApi;

namespace OpenMailserver.Tests.Api;

/// <summary>The OpenAPI document built from the server's real descriptors: every file in OpenMailserver.V1,
/// found by reflection, so a new proto is covered without touching this test.</summary>
public sealed partial class OpenApiDocumentBuilderTests
{
    private static readonly IReadOnlyList<FileDescriptor> Files = typeof(ServerAssembly::OpenMailserver.V1.MailboxesReflection).Assembly.GetTypes()
        .Where(t => t.Namespace == "OpenMailserver.V1" && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
        .Select(t => (FileDescriptor)t.GetProperty("Descriptor")!.GetValue(null)!)
        .ToList();

    private static readonly IReadOnlyList<ServiceDescriptor> Services = Files.SelectMany(f => f.Services).ToList();

    private static readonly JsonObject Document = OpenApiDocumentBuilder.Build(Services, "Open Mailserver", "1.2.3");

    private static JsonNode Paths => Document["paths"]!;
    private static JsonNode Schemas => Document["components"]!["schemas"]!;

    [Fact]
    public void Every_http_rule_of_every_method_is_an_operation()
    {
        Assert.Contains(Services, s => s.FullName == "openmailserver.v1.Messages");
        var rules = Services.SelectMany(s => s.Methods).SelectMany(HttpRules).ToList();
        Assert.True(rules.Count >= 36, $"only {rules.Count} http rules found");

        foreach (var (verb, path, method) in rules)
        {
            var operation = Paths[path]?[verb];
            Assert.True(operation is not null, $"{verb} {path} ({method.FullName}) is missing");
            Assert.StartsWith($"{method.Service.Name}_{method.Name}", operation["operationId"]!.GetValue<string>());
            Assert.Equal([method.Service.Name], operation["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]!.GetValue<string>()));
            Assert.Equal("#/components/schemas/Error", operation["responses"]!["default"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        }
        var operations = Paths.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (o.Key, p.Key))).ToList();
        Assert.Equal(rules.Select(r => (r.Verb, r.Path)).Order(), operations.Order());
        Assert.Equal(operations.Count, operations.Select(o => Paths[o.Item2]![o.Item1]!["operationId"]!.GetValue<string>()).Distinct().Count());

        Assert.Equal("3.0.3", Document["openapi"]!.GetValue<string>());
        Assert.Equal("1.2.3", Document["info"]!["version"]!.GetValue<string>());
        var apiKey = Document["components"]!["securitySchemes"]!["apiKey"]!;
        Assert.Equal(("apiKey", "header", "X-OpenMailserver-Key"),
            (apiKey["type"]!.GetValue<string>(), apiKey["in"]!.GetValue<string>(), apiKey["name"]!.GetValue<string>()));
        Assert.NotNull(Document["security"]![0]!["apiKey"]);
    }

    [Fact]
    public void Path_parameters_are_required_and_typed_by_their_fields()
    {
        foreach (var (path, item) in Paths.AsObject())
        foreach (var (verb, operation) in item!.AsObject())
        {
            var inPath = operation!["parameters"]?.AsArray().Where(p => p!["in"]!.GetValue<string>() == "path").ToList() ?? [];
            Assert.Equal(Regex.Matches(path, @"\{([^}]+)\}").Select(m => m.Groups[1].Value), inPath.Select(p => p!["name"]!.GetValue<string>()));
            Assert.All(inPath, p => Assert.True(p!["required"]!.GetValue<bool>(), $"{verb} {path}: {p["name"]} is not required"));
        }

        var attachment = Parameters("/v1/messages/{id}/attachments/{attachment_id}", "get");
        Assert.Equal("string", attachment["attachment_id"]!["schema"]!["type"]!.GetValue<string>());
        Assert.Equal("query", attachment["address"]!["in"]!.GetValue<string>());
        // QueueEntryRequest.id is an int64.
        var retry = Parameters("/v1/queue/{id}/retry", "post");
        Assert.Equal(["id"], retry.Keys);
        Assert.Equal(("integer", "int64"), (retry["id"]!["schema"]!["type"]!.GetValue<string>(), retry["id"]!["schema"]!["format"]!.GetValue<string>()));
    }

    [Fact]
    public void Properties_and_query_parameters_use_the_snake_case_json_names()
    {
        var create = RequestSchema("/v1/mailboxes", "post")["properties"]!.AsObject();
        Assert.Contains("local_part", create.Select(p => p.Key));
        Assert.DoesNotContain("localPart", create.Select(p => p.Key));
        Assert.Contains("page_token", Parameters("/v1/mailboxes/{address}/messages", "get").Keys);

        // Every message schema lists exactly its fields, under their JSON names, in declaration order.
        var messages = Files.SelectMany(f => f.MessageTypes).SelectMany(WithNested).ToDictionary(m => m.FullName);
        var named = Schemas.AsObject().Where(s => s.Key != "Error").ToList();
        Assert.Contains(named, s => s.Key == "openmailserver.v1.Message");
        foreach (var (name, schema) in named)
            Assert.Equal(messages[name].Fields.InDeclarationOrder().Select(f => f.JsonName), schema!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Contains("text_body", Schemas["openmailserver.v1.Message"]!["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void A_response_body_field_is_the_whole_response()
    {
        var list = Paths["/v1/mailboxes/{address}/messages"]!["get"]!;
        var schema = list["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("array", schema["type"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/openmailserver.v1.MessageSummary", schema["items"]!["$ref"]!.GetValue<string>());

        var query = Parameters("/v1/mailboxes/{address}/messages", "get");
        Assert.Equal(["address", "folder", "limit", "before", "since", "unread", "from", "to", "subject", "text", "page_token", "thread_id"], query.Keys);
        Assert.Equal("int32", query["limit"]!["schema"]!["format"]!.GetValue<string>());
        Assert.True(query["unread"]!["schema"]!["nullable"]!.GetValue<bool>());

        var raw = Paths["/v1/messages/{id}/raw"]!["get"]!["responses"]!["200"]!["content"]!;
        Assert.Equal(["*/*"], raw.AsObject().Select(c => c.Key));
        Assert.Equal(("string", "binary"), (raw["*/*"]!["schema"]!["type"]!.GetValue<string>(), raw["*/*"]!["schema"]!["format"]!.GetValue<string>()));
    }

    [Fact]
    public void The_body_rule_decides_between_request_body_and_query()
    {
        // body "*" without path variables: the whole request is the body, nothing in the query.
        var send = Paths["/v1/mail/send"]!["post"]!;
        Assert.Null(send["parameters"]);
        Assert.True(send["requestBody"]!["required"]!.GetValue<bool>());
        var sendFields = RequestSchema("/v1/mail/send", "post")["properties"]!;
        Assert.Equal("#/components/schemas/openmailserver.v1.Attachment", sendFields["attachments"]!["items"]!["$ref"]!.GetValue<string>());
        Assert.Equal("string", sendFields["recipients"]!["items"]!["type"]!.GetValue<string>());

        // body "*" with a path variable: the body is the request minus that field.
        var update = RequestSchema("/v1/messages/{id}", "patch")["properties"]!.AsObject();
        Assert.DoesNotContain("id", update.Select(p => p.Key));
        Assert.Equal(["address", "seen", "flagged", "add_labels", "remove_labels", "folder"], update.Select(p => p.Key));
        Assert.Equal(["id"], Parameters("/v1/messages/{id}", "patch").Keys);

        // No body: no request body, path and query parameters only.
        Assert.Null(Paths["/v1/queue/{id}/cancel"]!["post"]!["requestBody"]);
        Assert.Null(Paths["/v1/dns/plan"]!["get"]!["requestBody"]);
        Assert.Equal("query", Parameters("/v1/dns/plan", "get")["public_ip"]!["in"]!.GetValue<string>());
    }

    [Fact]
    public void Types_follow_the_json_transcoding_writes()
    {
        var mailbox = Schemas["openmailserver.v1.Mailbox"]!["properties"]!;
        // Transcoding's default settings write 64-bit integers as JSON numbers.
        Assert.Equal(("integer", "int64"), (mailbox["id"]!["type"]!.GetValue<string>(), mailbox["id"]!["format"]!.GetValue<string>()));
        Assert.Equal(("string", "date-time"), (mailbox["created_at"]!["type"]!.GetValue<string>(), mailbox["created_at"]!["format"]!.GetValue<string>()));
        Assert.Equal("boolean", mailbox["active"]!["type"]!.GetValue<string>());
        Assert.Equal("byte", Schemas["openmailserver.v1.Attachment"]!["properties"]!["content_base64"]!["format"]!.GetValue<string>());
        Assert.Equal("object", Schemas["openmailserver.v1.Report"]!["properties"]!["details"]!["type"]!.GetValue<string>());
        // proto3 optional: presence is meaningful.
        var quota = RequestSchema("/v1/mailboxes", "post")["properties"]!["quota"]!;
        Assert.Equal(("integer", true), (quota["type"]!.GetValue<string>(), quota["nullable"]!.GetValue<bool>()));

        var error = Schemas["Error"]!["properties"]!.AsObject();
        Assert.Equal(["code", "message", "details"], error.Select(p => p.Key));
        Assert.Equal("array", error["details"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Every_reference_resolves_and_the_output_is_stable()
    {
        var json = Document.ToJsonString();
        var references = Regex.Matches(json, "\"\\$ref\":\"#/components/schemas/([^\"]+)\"").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.NotNull(Schemas[r]));
        Assert.All(Schemas.AsObject(), s => Assert.Contains(s.Key, references));

        var paths = Paths.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(paths.Order(StringComparer.Ordinal), paths);
        Assert.Equal(json, OpenApiDocumentBuilder.Build(Services.Reverse(), "Open Mailserver", "1.2.3").ToJsonString());
    }

    [Fact]
    public void Proto_comments_become_the_summary_and_description_when_the_descriptor_has_them()
    {
        // Generated code drops source info, so put a comment back on Mail.SendMail and rebuild the file.
        var mail = ServerAssembly::OpenMailserver.V1.MailReflection.Descriptor;
        var proto = mail.ToProto();
        proto.SourceCodeInfo = new SourceCodeInfo
        {
            Location =
            {
                new SourceCodeInfo.Types.Location
                {
                    Path = { FileDescriptorProto.ServiceFieldNumber, 0, ServiceDescriptorProto.MethodFieldNumber, 0 },
                    Span = { 1, 0, 10 },
                    LeadingComments = " Builds a MIME message and sends it. Hosted recipients get it at once.\n The rest is queued.\n",
                },
            },
        };
        var files = Dependencies(mail).Select(f => f == mail ? proto.ToByteString() : f.ToProto().ToByteString());
        var rebuilt = FileDescriptor.BuildFromByteStrings(files, new ExtensionRegistry { AnnotationsExtensions.Http }).Last();

        var send = OpenApiDocumentBuilder.Build(rebuilt.Services, "t", "1")["paths"]!["/v1/mail/send"]!["post"]!;
        Assert.Equal("Builds a MIME message and sends it.", send["summary"]!.GetValue<string>());
        Assert.Equal("Builds a MIME message and sends it. Hosted recipients get it at once.\nThe rest is queued.", send["description"]!.GetValue<string>());
        // Without comments the summary is the method name in words.
        Assert.Equal("Send mail", Paths["/v1/mail/send"]!["post"]!["summary"]!.GetValue<string>());
        Assert.Null(Paths["/v1/mail/send"]!["post"]!["description"]);
    }

    private static Dictionary<string, JsonNode> Parameters(string path, string verb) =>
        Paths[path]![verb]!["parameters"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!);

    private static JsonNode RequestSchema(string path, string verb) =>
        Paths[path]![verb]!["requestBody"]!["content"]!["application/json"]!["schema"]!;

    /// <summary>The rule and its additional bindings as (verb, OpenAPI path), read independently of the builder.</summary>
    private static IEnumerable<(string Verb, string Path, MethodDescriptor Method)> HttpRules(MethodDescriptor method)
    {
        if (method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule) yield break;
        foreach (var binding in new[] { rule }.Concat(rule.AdditionalBindings))
        {
            var (verb, template) = binding.PatternCase switch
            {
                HttpRule.PatternOneofCase.Get => ("get", binding.Get),
                HttpRule.PatternOneofCase.Post => ("post", binding.Post),
                HttpRule.PatternOneofCase.Put => ("put", binding.Put),
                HttpRule.PatternOneofCase.Patch => ("patch", binding.Patch),
                HttpRule.PatternOneofCase.Delete => ("delete", binding.Delete),
                _ => (binding.Custom.Kind.ToLowerInvariant(), binding.Custom.Path),
            };
            yield return (verb, TemplateVariable().Replace(template, "{$1}"), method);
        }
    }

    private static IEnumerable<MessageDescriptor> WithNested(MessageDescriptor message) => message.NestedTypes.SelectMany(WithNested).Prepend(message);

    /// <summary>A file after everything it imports, as BuildFromByteStrings needs them.</summary>
    private static IEnumerable<FileDescriptor> Dependencies(FileDescriptor file, HashSet<string>? seen = null)
    {
        seen ??= [];
        if (!seen.Add(file.Name)) yield break;
        foreach (var dependency in file.Dependencies)
        foreach (var f in Dependencies(dependency, seen))
            yield return f;
        yield return file;
    }

    [GeneratedRegex(@"\{([^}=]+)(=[^}]*)?\}")]
    private static partial Regex TemplateVariable();
}
