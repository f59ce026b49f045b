using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using OpenMailserver.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace OpenMailserver.Tests.Hosting;

/// <summary>The hostile remote MX, the MIME bombs and the dashboard preview bomb, all at once against one
/// real server process: its resident memory stays within 150 MB of where it started and /health answers
/// throughout.</summary>
public sealed class BombsAtOnceTests(ITestOutputHelper output)
{
    private const long AllowedGrowth = 150L << 20;

    [Fact]
    public async Task A_hostile_mx_mime_bombs_and_a_preview_bomb_at_once_keep_the_server_within_150_mb_and_answering_health()
    {
        await using var normal = new ScriptedMx(ScriptedMx.Behavior.Normal);
        await using var huge = new ScriptedMx(ScriptedMx.Behavior.HugeEhlo);
        var mxPort = TestPaths.FreeTcpPort();
        await using var server = await ServerProcess.StartAsync(environment: new Dictionary<string, string>
        {
            ["OpenMailserver__Domain"] = "x.test",
            ["OpenMailserver__Smtp__Port"] = mxPort.ToString(),
            ["OpenMailserver__Delivery__MxOverrides__normal.test"] = $"127.0.0.1:{normal.Port}",
            ["OpenMailserver__Delivery__MxOverrides__huge.test"] = $"127.0.0.1:{huge.Port}",
            ["OpenMailserver__Delivery__DnsServers__0"] = Dnsmasq.Shared.Address,
            ["OpenMailserver__Delivery__RetrySchedule__0"] = "01:00:00",
        });
        using var admin = server.Rest(server.AdminKey);
        var created = await admin.PostJsonAsync("/v1/mailboxes", new { local_part = "inbox", domain = "x.test" });
        var mailbox = created.GetProperty("mailbox").GetProperty("email").GetString()!;
        using var rest = server.Rest(created.GetProperty("api_key").GetProperty("key").GetString());

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(server.HttpBase + "/admin");
        var field = page.GetByLabel("Admin API key");
        await Expect(field).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await field.FillAsync(server.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync(new() { Timeout = 30_000 });

        // Each path once with harmless input, so that what it loads anyway is in the baseline.
        await admin.WaitForStateAsync(await SendAsync(rest, "x@normal.test"), "sent");
        await ReadAsync(rest, mxPort, mailbox, HostileMessages.ManyParts("warm parts", mailbox, 10));
        await PreviewAsync(page, server, mailbox, await DeliverAsync(rest, mxPort, mailbox, HostileMessages.InlineImageReferenced("warm preview", mailbox, 1000, 2)));

        var baseline = server.ResidentBytes;
        var peak = baseline;
        var healthChecks = 0;
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var sinceHealth = 0;
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, server.ResidentBytes);
                if (++sinceHealth == 10)
                {
                    sinceHealth = 0;
                    Assert.True((await http.GetAsync(server.HttpBase + "/health")).IsSuccessStatusCode, "/health failed under the bombs");
                    healthChecks++;
                }
                await Task.Delay(50);
            }
        });

        var hostileMx = Task.Run(async () =>
        {
            var trace = await admin.WaitForAsync(await SendAsync(rest, "x@huge.test"), t => t.Events("deferred").Any(), seconds: 60);
            Assert.Contains("the reply to EHLO is longer than 65536 bytes",
                Assert.Single(trace.Events("host_failed")).GetProperty("details").GetProperty("error").GetString());
        });
        var parts = Task.Run(async () => Assert.True((await ReadAsync(rest, mxPort, mailbox, HostileMessages.ManyParts("parts", mailbox, 200_000))).GetProperty("truncated").GetBoolean()));
        var fields = Task.Run(async () => Assert.True((await ReadAsync(rest, mxPort, mailbox, HostileMessages.ManyHeaderFields("fields", mailbox, 200_000))).GetProperty("truncated").GetBoolean()));
        var preview = Task.Run(async () =>
        {
            var id = await DeliverAsync(rest, mxPort, mailbox, HostileMessages.InlineImageReferenced("preview", mailbox, 100_000, 200));
            await PreviewAsync(page, server, mailbox, id);
            await Expect(page.Locator(".preview-note")).ToContainTextAsync("Some inline images are left out of this preview");
        });
        try
        {
            await Task.WhenAll(hostileMx, parts, fields, preview);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        finally
        {
            await stop.CancelAsync();
            await watcher;
        }

        output.WriteLine($"resident memory: {baseline >> 20} MiB before, {peak >> 20} MiB at the peak; /health answered {healthChecks} times; the MX sent {huge.BytesSent >> 20} MiB");
        Assert.True(healthChecks > 0, "/health was not asked while the bombs went off");
        Assert.True(peak - baseline < AllowedGrowth, $"the server grew from {baseline >> 20} MiB to {peak >> 20} MiB under the bombs");
    }

    private static async Task<long> SendAsync(HttpClient rest, string to) =>
        (await rest.SendAsync(new { sender = "inbox@x.test", recipients = new[] { to }, subject = "to " + to, text_body = "x" })).GetProperty("id").GetInt64();

    /// <summary>Delivers over SMTP to the MX and answers the stored message's id.</summary>
    private static async Task<string> DeliverAsync(HttpClient rest, int mxPort, string mailbox, byte[] message)
    {
        var subject = Encoding.ASCII.GetString(message).Split("\r\nSubject: ")[1].Split("\r\n")[0];
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await SmtpConversation.DeliverAsync(mxPort, "bomber@sender.test", mailbox, message));
        return (await rest.GetJsonAsync($"/v1/mailboxes/{mailbox}/messages?limit=50")).EnumerateArray()
            .First(m => m.GetProperty("subject").GetString() == subject).GetProperty("id").GetString()!;
    }

    /// <summary>Delivers, then reads the message through REST twice.</summary>
    private static async Task<JsonElement> ReadAsync(HttpClient rest, int mxPort, string mailbox, byte[] message)
    {
        var id = await DeliverAsync(rest, mxPort, mailbox, message);
        await rest.GetJsonAsync($"/v1/messages/{id}?address={mailbox}");
        return await rest.GetJsonAsync($"/v1/messages/{id}?address={mailbox}");
    }

    private static async Task PreviewAsync(IPage page, ServerProcess server, string mailbox, string id)
    {
        await page.GotoAsync($"{server.HttpBase}/admin/messages/{mailbox}/{id}");
        await Expect(page.FrameLocator("iframe.html-body").Locator("p", new() { HasTextString = "Look." })).ToBeVisibleAsync(new() { Timeout = 30_000 });
    }
}
