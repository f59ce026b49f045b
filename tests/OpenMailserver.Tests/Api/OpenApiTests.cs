extern alias ServerAssembly;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

/// <summary>The OpenAPI document the server serves, walked against the protos' http rules.</summary>
[Collection(SharedServerCollection.Name)]
public sealed partial class OpenApiTests(SharedServer server)
{
    [Fact]
    public async Task Every_v1_route_is_in_the_document_with_snake_case_fields()
    {
        using var client = server.Rest();
        var document = await client.GetJsonAsync("/openapi.json");
        Assert.Equal("3.0.3", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths");

        var rules = HttpRules().ToList();
        Assert.True(rules.Count >= 36, $"only {rules.Count} http rules found");
        foreach (var (verb, template, method) in rules)
        {
            var path = Regex.Replace(template, @"\{([a-z_]+)(=[^}]*)?\}", "{$1}");
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing");
            Assert.True(item.TryGetProperty(verb, out var operation), $"{verb} {path} ({method.FullName}) is missing");
            foreach (Match variable in Regex.Matches(path, @"\{([a-z_]+)\}"))
                Assert.Contains(operation.GetProperty("parameters").EnumerateArray(),
                    p => p.GetProperty("name").GetString() == variable.Groups[1].Value && p.GetProperty("in").GetString() == "path" && p.GetProperty("required").GetBoolean());
        }
        Assert.All(paths.EnumerateObject().Where(p => p.Name.StartsWith("/v1")), p => Assert.Contains(rules, r => Regex.Replace(r.Template, @"\{([a-z_]+)(=[^}]*)?\}", "{$1}") == p.Name));

        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var schema in schemas.EnumerateObject())
            if (schema.Value.TryGetProperty("properties", out var properties))
                Assert.All(properties.EnumerateObject(), p => Assert.Matches("^[a-z][a-z0-9_]*$", p.Name));

        var create = paths.GetProperty("/v1/mailboxes").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.True(create.GetProperty("properties").TryGetProperty("local_part", out _));
        var send = paths.GetProperty("/v1/mail/send").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("properties");
        Assert.Equal("array", send.GetProperty("attachments").GetProperty("type").GetString());
        Assert.True(send.TryGetProperty("idempotency_key", out _));
        Assert.True(schemas.GetProperty("openmailserver.v1.Attachment").GetProperty("properties").TryGetProperty("content_base64", out _));
        var list = paths.GetProperty("/v1/mailboxes/{address}/messages").GetProperty("get");
        Assert.Equal("array", list.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("type").GetString());
        Assert.Contains(list.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "page_token" && p.GetProperty("in").GetString() == "query");
        Assert.True(list.GetProperty("responses").GetProperty("200").GetProperty("headers").TryGetProperty("X-Next-Page-Token", out _));
        var raw = paths.GetProperty("/v1/messages/{id}/raw").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("*/*");
        Assert.Equal("binary", raw.GetProperty("schema").GetProperty("format").GetString());
        Assert.Equal("X-OpenMailserver-Key", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("apiKey").GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_document_has_a_browsable_page()
    {
        using var client = server.Rest();
        var page = await client.GetAsync("/docs/index.html");
        page.EnsureSuccessStatusCode();
        Assert.Contains("swagger-ui", await page.Content.ReadAsStringAsync());
        var config = await client.GetStringAsync("/docs/index.js");
        Assert.Contains("/openapi.json", config);
    }

    /// <summary>Every http rule of every service in the server's protos, found by reflection so a new
    /// service is covered without touching this test.</summary>
    private static IEnumerable<(string Verb, string Template, MethodDescriptor Method)> HttpRules()
    {
        var services = typeof(ServerAssembly::OpenMailserver.V1.Mailboxes).Assembly.GetTypes()
            .Where(t => t.Namespace == "OpenMailserver.V1" && t.IsClass && t.IsAbstract && t.IsSealed && t.GetProperty("Descriptor")?.PropertyType == typeof(ServiceDescriptor))
            .Select(t => (ServiceDescriptor)t.GetProperty("Descriptor")!.GetValue(null)!);
        foreach (var method in services.SelectMany(s => s.Methods))
        {
            if (method.GetOptions()?.GetExtension(Google.Api.AnnotationsExtensions.Http) is not { } rule) continue;
            foreach (var binding in new[] { rule }.Concat(rule.AdditionalBindings))
                yield return binding.PatternCase switch
                {
                    Google.Api.HttpRule.PatternOneofCase.Get => ("get", binding.Get, method),
                    Google.Api.HttpRule.PatternOneofCase.Post => ("post", binding.Post, method),
                    Google.Api.HttpRule.PatternOneofCase.Patch => ("patch", binding.Patch, method),
                    Google.Api.HttpRule.PatternOneofCase.Put => ("put", binding.Put, method),
                    _ => ("delete", binding.Delete, method),
                };
        }
    }
}
