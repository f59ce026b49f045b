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

    public async Task InitializeAsync()
    {
        // Mail ports on, so the client settings shown beside a new mailbox are real.
        _server = await ServerProcess.StartAsync(environment: new Dictionary<string, string>
        {
            ["OpenMailserver__Imap__TlsPort"] = TestPaths.FreeTcpPort().ToString(),
            ["OpenMailserver__Smtp__SubmissionTlsPort"] = TestPaths.FreeTcpPort().ToString(),
            ["OpenMailserver__Smtp__SubmissionPort"] = TestPaths.FreeTcpPort().ToString(),
        });
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
        await ScreenshotAsync(page, "overview");

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

    private async Task<IPage> SignedInPageAsync(string key)
    {
        var page = await SignInAsync(key);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        return page;
    }

    private async Task<IPage> SignInAsync(string key)
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
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
