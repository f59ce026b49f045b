using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>Random and hostile JSON bodies (deep nesting, huge numbers, wrong types, huge strings, broken text)
/// sent over real HTTP to REST endpoints: the answer is never a 5xx, every refusal is a JSON error with a code and
/// a message, and the server keeps answering.</summary>
public sealed class JsonBodyPropertyTests
{
    private static readonly string[] Fields =
        ["sender", "recipients", "subject", "text_body", "html_body", "address", "url", "event_types", "local_part", "domain", "password", "quota", "name",
         "path", "cc", "bcc", "attachments", "idempotency_key", "reply_to", "x"];

    private static readonly Gen<string> Leaf = Gen.Frequency(
        (3, Gen.OneOf<string>("null", "true", "false", "0", "-0", "1.5", "1e308", "1e999999", "-1e999999", "123456789012345678901234567890",
            "9223372036854775808", "-9223372036854775809", "0.0000000000000000000000000001", "\"\"", "\"a@example.test\"", "\"\\ud800\"", "\"\\u0000\"")),
        (3, Gen.String[0, 40].Select(s => JsonSerializer.Serialize(s))),
        (1, Gen.Int[0, 300_000].Select(n => "\"" + new string('x', n) + "\"")),
        (1, Gen.Long.Select(n => n.ToString())),
        (1, Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "1")));

    private static Gen<string> Value(int depth) => depth == 0
        ? Leaf
        : Gen.Frequency(
            (3, Leaf),
            (1, Value(depth - 1).Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (2, Gen.Select(Gen.OneOf<string>(Fields), Value(depth - 1)).Array[0, 6]
                .Select(pairs => "{" + string.Join(",", pairs.Select(p => JsonSerializer.Serialize(p.Item1) + ":" + p.Item2)) + "}")));

    /// <summary>Nesting far past any sane depth, as arrays or objects, closed or not.</summary>
    private static readonly Gen<string> Deep = Gen.Select(Gen.Int[100, 200_000], Gen.Bool, Gen.Bool).Select(t =>
    {
        var (depth, objects, closed) = t;
        var open = objects ? "{\"address\":" : "[";
        var close = objects ? "}" : "]";
        var text = new StringBuilder(depth * (open.Length + 1));
        for (var i = 0; i < depth; i++) text.Append(open);
        text.Append("1");
        if (closed) for (var i = 0; i < depth; i++) text.Append(close);
        return text.ToString();
    });

    /// <summary>Not JSON at all: cut-off documents, stray bytes, invalid UTF-8.</summary>
    private static readonly Gen<string> Broken = Gen.Frequency(
        (2, Value(2).Select(json => json.Length > 1 ? json[..(json.Length / 2)] : "{")),
        (1, Gen.String[0, 100]),
        (1, Gen.OneOf<string>("", "{", "[", "{\"a\"", "{\"sender\":}", "\u00ff\u00fe", "{\"subject\":\"\udc00\"}", "{,}", "[1,]", "{\"a\":1}}", "nul")));

    private static readonly Gen<string> Body = Gen.Frequency((6, Value(4)), (2, Deep), (2, Broken));

    [Fact]
    public async Task Random_json_bodies_get_a_json_4xx_or_success_never_a_5xx_and_the_server_stays_up()
    {
        await using var server = new ServerFactory();
        server.OverSockets();
        var box = await server.CreateMailboxAsync();
        using var mailbox = server.Rest(box.Key);
        using var admin = server.Rest(server.AdminKey);
        var targets = new (HttpClient Client, HttpMethod Method, string Path)[]
        {
            (mailbox, HttpMethod.Post, "/v1/mail/send"),
            (mailbox, HttpMethod.Post, "/v1/webhooks"),
            (mailbox, HttpMethod.Post, "/v1/messages/42/reply"),
            (admin, HttpMethod.Post, "/v1/mailboxes"),
            (admin, HttpMethod.Post, $"/v1/mailboxes/{box.Address}/keys"),
            (admin, HttpMethod.Post, "/v1/restore/validate"),
            (admin, HttpMethod.Post, "/v1/aliases"),
        };

        await Gen.Select(Gen.Int[0, targets.Length - 1], Body).SampleAsync(async (index, body) =>
        {
            var (client, method, path) = targets[index];
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"{method} {path} answered {status}: {text}");
            if (status >= 400)
            {
                var error = JsonDocument.Parse(text).RootElement;
                Assert.True(error.GetProperty("code").GetInt32() > 0, text);
                Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()), text);
            }
        }, iter: 400, time: 5, threads: 2, print: t => $"{targets[t.Item1].Path} {(t.Item2.Length > 300 ? t.Item2[..300] + $"... ({t.Item2.Length} chars)" : t.Item2)}");

        using var health = server.Rest();
        Assert.Equal(HttpStatusCode.OK, (await health.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mailbox.GetAsync($"/v1/mailboxes/{box.Address}")).StatusCode);
    }
}
