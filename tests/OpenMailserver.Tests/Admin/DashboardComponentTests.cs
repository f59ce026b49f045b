using Bunit;
using Grpc.Core;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using OpenMailserver.Admin.Components.Pages;
using MailboxesPage = OpenMailserver.Admin.Components.Pages.Mailboxes;
using OpenMailserver.Admin.Services;
using OpenMailserver.Sdk;
using OpenMailserver.V1;

namespace OpenMailserver.Tests.Admin;

/// <summary>The dashboard's pages against a fake of the control plane behind the SDK client.</summary>
public sealed class DashboardComponentTests : BunitContext, IAsyncLifetime
{
    private readonly FakeControlPlane _api = new();
    private readonly MemoryKeyStore _keys = new();

    public DashboardComponentTests()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton<IKeyStore>(_keys);
        Services.AddSingleton<IAdminClientFactory>(new FakeFactory(_api));
        Services.AddSingleton(new ClientSettings("mail.example.test", 993, 465, 587));
        Services.AddScoped<AdminSession>();
        _api.On<ListMailboxesRequest>("ListMailboxes", _ => new ListMailboxesResponse());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();

    [Fact]
    public async Task Sign_in_keeps_a_good_key_and_explains_a_wrong_or_a_mailbox_key()
    {
        var session = Services.GetRequiredService<AdminSession>();
        _api.Fails("ListMailboxes", StatusCode.Unauthenticated, "unknown key");
        var page = Render<SignIn>();
        page.Find("input").Input("oms_wrong");
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Contains("This key is wrong or has been revoked.", page.Markup));
        Assert.Null(session.Client);
        Assert.Null(_keys.Key);

        _api.Fails("ListMailboxes", StatusCode.PermissionDenied, "needs admin");
        page.Find("input").Input("oms_mailbox");
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Contains("not an operator key", page.Markup));

        _api.On<ListMailboxesRequest>("ListMailboxes", _ => new ListMailboxesResponse());
        page.Find("input").Input("oms_admin");
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.NotNull(session.Client));
        Assert.Equal("oms_admin", _keys.Key);

        await session.SignOutAsync();
        Assert.Null(session.Client);
        Assert.Null(_keys.Key);
    }

    [Fact]
    public async Task Mailboxes_lists_searches_and_shows_the_empty_state()
    {
        await SignInAsync();
        _api.On<ListMailboxesRequest>("ListMailboxes", _ => new ListMailboxesResponse
        {
            Mailboxes = { Mailbox("zoe@example.test"), Mailbox("adam@example.test", active: false) },
        });
        var page = RenderWithProviders<MailboxesPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tr.mud-table-row").Count(r => r.TextContent.Contains("@example.test"))));
        var rows = page.FindAll("td[data-label=Address]").Select(c => c.TextContent).ToList();
        Assert.Equal(["adam@example.test", "zoe@example.test"], rows);
        Assert.Contains("disabled", page.Markup);

        page.Find("input[placeholder=Search]").Input("zoe");
        page.WaitForAssertion(() => Assert.Equal(["zoe@example.test"], page.FindAll("td[data-label=Address]").Select(c => c.TextContent)));
        page.Find("input[placeholder=Search]").Input("nobody");
        page.WaitForAssertion(() => Assert.Contains("No mailbox matches the search.", page.Markup));
    }

    [Fact]
    public async Task Mailboxes_says_what_to_do_when_there_are_none_and_shows_a_failure()
    {
        await SignInAsync();
        var empty = RenderWithProviders<MailboxesPage>();
        empty.WaitForAssertion(() => Assert.Contains("No mailboxes yet", empty.Markup));
    }

    [Fact]
    public async Task Creating_a_mailbox_validates_the_name_and_shows_the_secrets_once_with_client_settings()
    {
        await SignInAsync();
        var page = RenderWithProviders<MailboxesPage>();
        page.FindAll("input")[0].Input("two words");
        page.WaitForAssertion(() => Assert.Contains("without @ or spaces", page.Markup), TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(_api.Calls, c => c.Method == "CreateMailbox");

        _api.On<CreateMailboxRequest>("CreateMailbox", r => new CreateMailboxResponse
        {
            Mailbox = Mailbox($"{r.LocalPart}@{r.Domain}"), Password = "Correct-Horse-Battery-42", ApiKey = new IssuedApiKey { Key = "oms_new-key" },
        });
        page.FindAll("input")[0].Input("sales");
        page.FindAll("input")[1].Input("example.test");
        page.WaitForAssertion(() => Assert.DoesNotContain("without @ or spaces", page.Markup));
        await page.FindAll("button").Single(b => b.TextContent.Contains("Create")).ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("sales@example.test</b> is ready", page.Markup));
        Assert.Contains("Correct-Horse-Battery-42", page.Markup);
        Assert.Contains("oms_new-key", page.Markup);
        Assert.Contains("mail.example.test, port 993, SSL/TLS", page.Markup);
        var create = (CreateMailboxRequest)_api.Calls.Single(c => c.Method == "CreateMailbox").Request;
        Assert.Equal(("sales", "example.test"), (create.LocalPart, create.Domain));
    }

    [Fact]
    public async Task A_refused_create_shows_the_servers_message()
    {
        await SignInAsync();
        _api.On<ListMailboxesRequest>("ListMailboxes", _ => new ListMailboxesResponse { Mailboxes = { Mailbox("zoe@example.test") } });
        _api.Fails("CreateMailbox", StatusCode.AlreadyExists, "zoe@example.test already exists.");
        var page = RenderWithProviders<MailboxesPage>();
        page.WaitForAssertion(() => Assert.Contains("zoe@example.test", page.Markup));
        page.FindAll("input")[0].Input("zoe");
        page.FindAll("input")[1].Input("example.test");
        await page.FindAll("button").Single(b => b.TextContent.Contains("Create")).ClickAsync(new());
        var snackbar = Services.GetRequiredService<ISnackbar>();
        page.WaitForAssertion(() => Assert.Contains(snackbar.ShownSnackbars, s => s.Message != null && s.Message.Contains("already exists")));
    }

    private async Task SignInAsync() => Assert.Null(await Services.GetRequiredService<AdminSession>().SignInAsync("oms_admin"));

    /// <summary>The page with the providers its popovers, dialogs and snackbars render into.</summary>
    private IRenderedComponent<Providers> RenderWithProviders<TPage>() where TPage : IComponent => Render<Providers>(parameters => parameters
        .AddChildContent<MudPopoverProvider>()
        .AddChildContent<MudDialogProvider>()
        .AddChildContent<MudSnackbarProvider>()
        .AddChildContent<TPage>());

    private static Mailbox Mailbox(string email, bool active = true) => new()
    {
        Email = email, Quota = 5000, Active = active, CreatedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
    };

    private sealed class Providers : ComponentBase
    {
        [Parameter] public RenderFragment? ChildContent { get; set; }

        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder) => builder.AddContent(0, ChildContent);
    }

    private sealed class FakeFactory(FakeControlPlane api) : IAdminClientFactory
    {
        public OpenMailserverClient Create(string apiKey) => new(api, apiKey);
    }

    private sealed class MemoryKeyStore : IKeyStore
    {
        public string? Key { get; private set; }
        public Task<string?> GetAsync() => Task.FromResult(Key);
        public Task SetAsync(string key) => Task.FromResult(Key = key);
        public Task DeleteAsync() => Task.FromResult(Key = null);
    }
}
