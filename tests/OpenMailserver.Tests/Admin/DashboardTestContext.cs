using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using OpenMailserver.Admin.Services;
using OpenMailserver.Sdk;
using OpenMailserver.V1;

namespace OpenMailserver.Tests.Admin;

/// <summary>The dashboard's pages rendered by bUnit against <see cref="FakeControlPlane"/>, the fake behind
/// the SDK client, with MudBlazor's services and the providers its popovers, dialogs and snackbars need.</summary>
public abstract class DashboardTestContext : BunitContext, IAsyncLifetime
{
    protected FakeControlPlane Api { get; } = new();
    protected MemoryKeyStore Keys { get; } = new();

    protected DashboardTestContext()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton<IKeyStore>(Keys);
        Services.AddSingleton<IAdminClientFactory>(new FakeFactory(Api));
        Services.AddSingleton(new ClientSettings("mail.example.test", 993, 465, 587));
        Services.AddScoped<AdminSession>();
        Api.On<ListMailboxesRequest>("ListMailboxes", _ => new ListMailboxesResponse());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();

    protected async Task SignInAsync() => Assert.Null(await Services.GetRequiredService<AdminSession>().SignInAsync("oms_admin"));

    /// <summary>The page with the providers its popovers, dialogs and snackbars render into.</summary>
    protected IRenderedComponent<Providers> RenderWithProviders<TPage>(Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null)
        where TPage : IComponent => Render<Providers>(p => p
        .AddChildContent<MudPopoverProvider>()
        .AddChildContent<MudDialogProvider>()
        .AddChildContent<MudSnackbarProvider>()
        .AddChildContent<TPage>(parameters ?? (_ => { })));

    protected static IElement Button(IRenderedComponent<Providers> page, string text) =>
        page.FindAll("button").Single(b => b.TextContent.Trim().Equals(text, StringComparison.OrdinalIgnoreCase));

    /// <summary>Clicks a button whose handler asks for confirmation, then answers the dialog. The click is
    /// not awaited: its handler is waiting for the answer.</summary>
    protected static void ClickAndAnswer(IRenderedComponent<Providers> page, string button, string answer)
    {
        _ = Button(page, button).ClickAsync(new());
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".mud-dialog button")));
        page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim().Equals(answer, StringComparison.OrdinalIgnoreCase)).Click();
    }

    protected void AssertSnackbar(IRenderedComponent<Providers> page, string text) =>
        page.WaitForAssertion(() => Assert.Contains(Services.GetRequiredService<ISnackbar>().ShownSnackbars, s => s.Message?.Contains(text) == true));

    protected int CallsTo(string method) => Api.Calls.Count(c => c.Method == method);

    protected TRequest LastRequest<TRequest>(string method) => (TRequest)Api.Calls.Last(c => c.Method == method).Request;

    protected static Google.Protobuf.WellKnownTypes.Timestamp Now() => Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);

    protected static Mailbox Mailbox(string email, bool active = true) => new() { Email = email, Quota = 5000, Active = active, CreatedAt = Now() };

    public sealed class Providers : ComponentBase
    {
        [Parameter] public RenderFragment? ChildContent { get; set; }

        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder) => builder.AddContent(0, ChildContent);
    }

    private sealed class FakeFactory(FakeControlPlane api) : IAdminClientFactory
    {
        public OpenMailserverClient Create(string apiKey) => new(api, apiKey);
    }

    protected sealed class MemoryKeyStore : IKeyStore
    {
        public string? Key { get; private set; }
        public Task<string?> GetAsync() => Task.FromResult(Key);
        public Task SetAsync(string key) => Task.FromResult(Key = key);
        public Task DeleteAsync() => Task.FromResult(Key = null);
    }
}
