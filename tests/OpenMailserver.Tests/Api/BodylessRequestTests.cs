using System.Diagnostics;
using System.Text.Json;
using OpenMailserver.Tests.Delivery;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

/// <summary>REST as curl users call it: <c>curl -X POST</c> with no body and no Content-Type, the key as
/// <c>Authorization: Bearer</c> or in our header. Every POST and PATCH route the OpenAPI document lists is called so:
/// those whose fields are all optional do their work, the others name what is missing; none answers about
/// content types.</summary>
public sealed class BodylessRequestTests
{
    private static async Task<(int Status, string Body)> CurlAsync(string method, string url, string header)
    {
        var info = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--silent", "--show-error", "-X", method, "-H", header, "-w", "\n%{http_code}", url }) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"curl failed: {await process.StandardError.ReadToEndAsync()}");
        var split = output.LastIndexOf('\n');
        return (int.Parse(output[(split + 1)..]), output[..split]);
    }

    [Fact]
    public async Task Every_post_and_patch_route_takes_a_bare_request()
    {
        var downPort = TestPaths.FreeTcpPort();
        await using var server = new MailServer(DeliverySettings.For("a.test", mxOverrides: new Dictionary<string, int> { ["down.test"] = downPort }, retryDelay: "01:00:00"));
        server.OverSockets();
        var http = $"http://127.0.0.1:{server.HttpPort}";
        var box = await server.CreateMailboxAsync("agent", "a.test");
        using var admin = server.Rest(server.AdminKey);
        using var rest = server.Rest(box.Key);
        var queued = (await rest.SendAsync(new { sender = box.Address, recipients = new[] { "x@down.test" }, subject = "stuck", text_body = "x" })).GetProperty("id").GetInt64();
        await admin.WaitForStateAsync(queued, "deferred");
        await rest.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "to answer", text_body = "x" });
        var message = (await rest.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray().First().GetProperty("id").GetString();

        var bearer = $"Authorization: Bearer {server.AdminKey}";
        var routes = JsonDocument.Parse(await admin.GetStringAsync("/openapi.json")).RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(op => op.Name is "post" or "patch" or "put").Select(op => (Method: op.Name.ToUpperInvariant(), Path: path.Name)))
            .OrderBy(route => route.Path.EndsWith("/cancel", StringComparison.Ordinal)).ToList();
        Assert.True(routes.Count >= 16, $"only {routes.Count} routes listed");
        var answers = new Dictionary<string, (int Status, string Body)>();
        // Cancel last: a cancelled message has nothing left to retry.
        foreach (var (method, path) in routes)
        {
            var url = http + path.Replace("{address}", box.Address).Replace("{id}", path.StartsWith("/v1/queue", StringComparison.Ordinal) ? queued.ToString() : message);
            var answer = await CurlAsync(method, url, bearer);
            answers[$"{method} {path}"] = answer;
            Assert.DoesNotContain("content type", answer.Body, StringComparison.OrdinalIgnoreCase);
            Assert.True(answer.Status is 200 or 400 or 404, $"{method} {path}: {answer.Status} {answer.Body}");
            if (answer.Status != 200) Assert.Contains("\"message\"", answer.Body);
        }

        // All fields optional: done.
        foreach (var route in new[] { "POST /v1/backup", "POST /v1/mailboxes/{address}/disable", "POST /v1/mailboxes/{address}/enable", "POST /v1/mailboxes/{address}/password",
                     "POST /v1/mailboxes/{address}/keys", "POST /v1/queue/{id}/retry" })
            Assert.True(answers[route].Status == 200, $"{route}: {answers[route]}");
        Assert.Contains("\"key\"", answers["POST /v1/mailboxes/{address}/keys"].Body);
        Assert.Contains("\"password\"", answers["POST /v1/mailboxes/{address}/password"].Body);
        // Fields required: named.
        Assert.Equal(400, answers["POST /v1/mail/send"].Status);
        Assert.Equal(400, answers["POST /v1/mailboxes"].Status);
        Assert.Equal(400, answers["POST /v1/webhooks"].Status);
        Assert.Contains("address is required", answers["PATCH /v1/messages/{id}"].Body);

        Assert.Equal(200, answers["POST /v1/queue/{id}/cancel"].Status);

        // A bare call with our own header is the same.
        Assert.Equal(200, (await CurlAsync("POST", $"{http}/v1/mailboxes/{box.Address}/keys", $"X-OpenMailserver-Key: {server.AdminKey}")).Status);
    }
}
