using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using OpenMailserver.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OpenMailserver.Tests.Admin;

/// <summary>The dashboard in Debian's chromium, against a real server process started by the test. Each
/// test leaves a screenshot in the test output's screenshots folder.</summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private ServerProcess _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private readonly int _imapTlsPort = TestPaths.FreeTcpPort();

    public async Task InitializeAsync()
    {
        // Mail ports on, so the client settings shown beside a new mailbox are real.
        _server = await ServerProcess.StartAsync(environment: new Dictionary<string, string>
        {
            ["OpenMailserver__Imap__TlsPort"] = _imapTlsPort.ToString(),
            ["OpenMailserver__Smtp__SubmissionTlsPort"] = TestPaths.FreeTcpPort().ToString(),
            ["OpenMailserver__Smtp__SubmissionPort"] = TestPaths.FreeTcpPort().ToString(),
        });
        // Two cores shared with the rest of the suite: give each expectation room before calling it failed.
        SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task An_operator_signs_in_with_the_generated_key_creates_a_mailbox_and_sees_it_listed()
    {
        var page = await SignedInPageAsync(_server.AdminKey);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("td[data-label=Check]", new() { HasTextString = "listeners" })).ToBeVisibleAsync();
        await ScreenshotAsync(page, "overview");

        // The key stays out of the address bar, is kept encrypted in the tab's session storage, and a
        // page opened elsewhere asks for it again.
        Assert.DoesNotContain(_server.AdminKey, page.Url);
        var stored = await page.EvaluateAsync<string>("JSON.stringify(Object.entries(sessionStorage))");
        Assert.NotEqual("[]", stored);
        Assert.DoesNotContain(_server.AdminKey, stored);
        using (var http = new HttpClient())
        {
            var response = await http.GetAsync(_server.HttpBase + "/admin/mailboxes");
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single()); // no other site may frame the operator's buttons
            Assert.Equal("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.DoesNotContain(_server.AdminKey, await response.Content.ReadAsStringAsync());
        }
        var elsewhere = await _browser.NewPageAsync();
        await elsewhere.GotoAsync(_server.HttpBase + "/admin/mailboxes");
        await Expect(elsewhere.GetByLabel("Admin API key")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await elsewhere.CloseAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Mailboxes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Mailboxes", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("No mailboxes yet")).ToBeVisibleAsync();
        await page.GetByLabel("Name (before the @)").FillAsync("webagent");
        await page.GetByLabel("Domain").FillAsync("example.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        await Expect(page.GetByText("webagent@example.test is ready")).ToBeVisibleAsync();
        var password = await page.Locator("#created-password").InnerTextAsync();
        Assert.True(password.Length >= 20, password);
        await Expect(page.GetByText("Letters, digits")).ToHaveCountAsync(0);
        await Expect(page.Locator("td[data-label=Address]", new() { HasTextString = "webagent@example.test" })).ToBeVisibleAsync();
        await ScreenshotAsync(page, "mailboxes");

        // Disabling asks first; Cancel changes nothing.
        var row = page.Locator("tr", new() { HasTextString = "webagent@example.test" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Expect(page.GetByText("Disable mailbox?")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(row.GetByText("active", new() { Exact = true })).ToBeVisibleAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Expect(row.GetByText("disabled", new() { Exact = true })).ToBeVisibleAsync();

        // The dashboard acted through the API: the mailbox is there, disabled, for every client.
        using var admin = _server.Rest(_server.AdminKey);
        var listed = await admin.GetFromJsonAsync<JsonElement>("/v1/mailboxes");
        Assert.False(listed.EnumerateArray().Single(m => m.GetProperty("email").GetString() == "webagent@example.test").GetProperty("active").GetBoolean());

        // Nothing the dashboard did wrote the key or the new password to the log.
        var log = await File.ReadAllTextAsync(Path.Combine(_server.DataDirectory, "logs", "openmailserver.log"));
        Assert.DoesNotContain(_server.AdminKey, log);
        Assert.DoesNotContain(password, log);

        // Light and dark.
        var light = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch between light and dark" }).ClickAsync();
        await Expect(page.Locator("body")).Not.ToHaveCSSAsync("background-color", light);
        await ScreenshotAsync(page, "mailboxes-dark");
    }

    [Fact]
    public async Task A_message_sent_with_the_api_shows_in_outbound_with_its_trace_and_opens_in_messages_without_script_or_remote_loads()
    {
        using var tracker = new RequestCounter();
        using var admin = _server.Rest(_server.AdminKey);
        var created = await admin.PostJsonAsync("/v1/mailboxes", new { local_part = "reader", domain = "example.test" });
        using var agent = _server.Rest(created.GetProperty("api_key").GetProperty("key").GetString());
        var html = $"""
            <p id="marker">script did not run</p>
            <script>document.getElementById('marker').textContent = 'script ran';</script>
            <img src="x" onerror="document.getElementById('marker').textContent = 'handler ran'">
            <img src="{tracker.Url}/pixel.png" alt="pixel">
            <link rel="stylesheet" href="{tracker.Url}/style.css">
            <div style="background: url('{tracker.Url}/background.png')">Quarterly numbers attached.</div>
            """;
        await agent.SendAsync(new
        {
            sender = "reader@example.test", recipients = new[] { "reader@example.test" }, subject = "Numbers for Q3", text_body = "Quarterly numbers attached.",
            html_body = html, attachments = new[] { new { filename = "q3.csv", content_type = "text/csv", content_base64 = Convert.ToBase64String("region,total\nnorth,42\n"u8.ToArray()) } },
        });

        var page = await SignedInPageAsync(_server.AdminKey);
        // Chromium may list a request the policy then blocks; what matters is that none reaches a server:
        // the tracker counts connections, and the relative image would be answered by the dashboard's own host.
        var answered = new List<string>();
        page.Response += (_, response) => answered.Add(response.Url);
        await page.GetByRole(AriaRole.Link, new() { Name = "Outbound" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Numbers for Q3" }).ClickAsync();
        await Expect(page.Locator(".trace-event", new() { HasTextString = "accepted" })).ToBeVisibleAsync();
        await Expect(page.Locator(".trace-event", new() { HasTextString = "delivered_local · reader@example.test" })).ToBeVisibleAsync();
        await Expect(page.GetByText("sent", new() { Exact = true }).First).ToBeVisibleAsync();
        await ScreenshotAsync(page, "outbound");

        await page.GetByRole(AriaRole.Link, new() { Name = "Messages" }).ClickAsync();
        await page.GetByLabel("Mailbox").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "reader@example.test" }).ClickAsync();
        await Expect(page.Locator(".folder", new() { HasTextString = "INBOX" })).ToContainTextAsync("1 / 1");
        await page.GetByRole(AriaRole.Link, new() { Name = "Numbers for Q3" }).ClickAsync();
        var body = page.FrameLocator("iframe.html-body");
        await Expect(body.Locator("div", new() { HasTextString = "Quarterly numbers attached." })).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(1500); // time for any fetch or handler the sandbox failed to stop
        await Expect(body.Locator("#marker")).ToHaveTextAsync("script did not run");
        Assert.Equal(0, tracker.Count);
        Assert.DoesNotContain(_server.HttpBase + "/x", answered);
        Assert.Equal("", await page.Locator("iframe.html-body").GetAttributeAsync("sandbox"));
        await Expect(page.Locator(".attachment", new() { HasTextString = "q3.csv" })).ToBeVisibleAsync();
        await ScreenshotAsync(page, "message");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator(".attachment", new() { HasTextString = "q3.csv" }).ClickAsync());
        Assert.Equal("q3.csv", download.SuggestedFilename);
        Assert.Equal("region,total\nnorth,42\n", await File.ReadAllTextAsync((await download.PathAsync())!));
        var raw = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Raw message (.eml)" }).ClickAsync());
        Assert.Contains("Subject: Numbers for Q3", await File.ReadAllTextAsync((await raw.PathAsync())!));

        // Reading as the operator leaves the message unread for its owner.
        var listed = await agent.GetJsonAsync("/v1/mailboxes/reader@example.test/messages");
        Assert.DoesNotContain("\\Seen", listed[0].GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task An_operator_manages_keys_aliases_backups_and_reads_dns_records_and_logs()
    {
        using var admin = _server.Rest(_server.AdminKey);
        await admin.PostJsonAsync("/v1/mailboxes", new { local_part = "ops", domain = "example.test" });
        var page = await SignedInPageAsync(_server.AdminKey);

        await page.GetByRole(AriaRole.Link, new() { Name = "Domains" }).ClickAsync();
        await Expect(page.Locator("#domain-example\\.test")).ToContainTextAsync("example.test · 1 mailbox(es)");
        await Expect(page.Locator("td[data-label=Value]", new() { HasTextString = "v=DKIM1" })).ToBeVisibleAsync();
        await Expect(page.Locator("#zone")).ToContainTextAsync("_dmarc.example.test.");
        await ScreenshotAsync(page, "domains");

        await page.GetByRole(AriaRole.Link, new() { Name = "Mailboxes" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "ops@example.test" }).ClickAsync();
        await page.GetByPlaceholder("Name of a new key").FillAsync("billing-agent");
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue key" }).ClickAsync();
        var key = await page.Locator("#shown-secret").InnerTextAsync();
        using (var withKey = _server.Rest(key))
            await withKey.GetJsonAsync("/v1/mailboxes/ops@example.test/messages");
        var keyRow = page.Locator("tr", new() { HasTextString = "billing-agent" });
        await keyRow.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(keyRow).ToContainTextAsync("revoked");
        using (var revoked = _server.Rest(key))
            await revoked.GetJsonAsync("/v1/mailboxes/ops@example.test/messages", expectedStatus: 401);
        await page.GetByRole(AriaRole.Button, new() { Name = "Reset password" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Reset" }).ClickAsync();
        await Expect(page.Locator("#shown-secret")).Not.ToHaveTextAsync(key);
        var password = await page.Locator("#shown-secret").InnerTextAsync();
        using (var imap = new MailKit.Net.Imap.ImapClient())
        {
            imap.ServerCertificateValidationCallback = (_, _, _, _) => true;
            await imap.ConnectAsync("127.0.0.1", _imapTlsPort, MailKit.Security.SecureSocketOptions.SslOnConnect);
            await imap.AuthenticateAsync("ops@example.test", password);
        }
        await ScreenshotAsync(page, "mailbox");

        await page.GetByRole(AriaRole.Link, new() { Name = "Aliases" }).ClickAsync();
        await page.GetByLabel("Alias address").FillAsync("team@example.test");
        await page.GetByLabel("Delivers to").FillAsync("ops@example.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var aliasRow = page.Locator("tr", new() { HasTextString = "team@example.test" });
        await Expect(aliasRow).ToContainTextAsync("ops@example.test");
        Assert.Equal("ops@example.test", (await admin.GetJsonAsync("/v1/aliases"))[0].GetProperty("destination").GetString());
        await ScreenshotAsync(page, "aliases");
        await aliasRow.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.GetByText("No aliases yet.")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Backups" }).ClickAsync();
        await Expect(page.GetByText("No backups yet.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create backup" }).ClickAsync();
        var archive = page.Locator("td[data-label=Archive]").First;
        await Expect(archive).ToContainTextAsync(".omsbak", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).First.ClickAsync();
        await Expect(page.Locator("#validation")).ToContainTextAsync("is whole and opens with the key: 1 mailboxes", new() { Timeout = 30_000 });
        await ScreenshotAsync(page, "backups");

        await page.GetByRole(AriaRole.Link, new() { Name = "Logs" }).ClickAsync();
        await Expect(page.Locator("pre.log")).ToContainTextAsync("Backup written to", new() { Timeout = 10_000 });
        await page.GetByLabel("At least").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "error" }).ClickAsync();
        await Expect(page.Locator("pre.log")).Not.ToContainTextAsync("Backup written to");
        await ScreenshotAsync(page, "logs");
    }

    [Fact]
    public async Task On_a_phone_the_pages_fit_the_screen()
    {
        using var admin = _server.Rest(_server.AdminKey);
        await admin.PostJsonAsync("/v1/mailboxes", new { local_part = "pocket", domain = "example.test" });
        var page = await SignedInPageAsync(_server.AdminKey, new ViewportSize { Width = 390, Height = 844 });
        foreach (var path in new[] { "/admin", "/admin/mailboxes", "/admin/domains", "/admin/outbound" })
        {
            await page.GotoAsync(_server.HttpBase + path);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(page.Locator("h4")).ToBeVisibleAsync();
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), $"{path} scrolls sideways on a phone");
        }
        await page.GotoAsync(_server.HttpBase + "/admin/mailboxes");
        await Expect(page.Locator("td[data-label=Address]", new() { HasTextString = "pocket@example.test" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await ScreenshotAsync(page, "phone");
    }

    [Fact]
    public async Task A_wrong_key_and_a_mailbox_key_are_refused()
    {
        var page = await SignInAsync("oms_this-key-does-not-exist");
        await Expect(page.GetByText("This key is wrong or has been revoked.")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "sign-in-refused");

        using var admin = _server.Rest(_server.AdminKey);
        var created = await (await admin.PostAsJsonAsync("/v1/mailboxes", new { local_part = "agent", domain = "example.test" })).Content.ReadFromJsonAsync<JsonElement>();
        var mailboxKey = created.GetProperty("api_key").GetProperty("key").GetString()!;
        var second = await SignInAsync(mailboxKey);
        await Expect(second.GetByText("This is not an operator key")).ToBeVisibleAsync();
        await Expect(second.GetByRole(AriaRole.Link, new() { Name = "Mailboxes" })).ToHaveCountAsync(0);
    }

    /// <summary>A plain HTTP listener on loopback that counts the connections made to it.</summary>
    private sealed class RequestCounter : IDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
        private int _count;

        public RequestCounter()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public string Url => $"http://127.0.0.1:{((System.Net.IPEndPoint)_listener.LocalEndpoint).Port}";
        public int Count => Volatile.Read(ref _count);

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync();
                    Interlocked.Increment(ref _count);
                }
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public void Dispose() => _listener.Stop();
    }

    private async Task<IPage> SignedInPageAsync(string key, ViewportSize? viewport = null)
    {
        var page = await SignInAsync(key, viewport);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        return page;
    }

    private async Task<IPage> SignInAsync(string key, ViewportSize? viewport = null)
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 800 } });
        await page.GotoAsync(_server.HttpBase + "/admin");
        // The form appears once the page is interactive (it needs the circuit to read session storage).
        var field = page.GetByLabel("Admin API key");
        await Expect(field).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await field.FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        return page;
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
    }
}
