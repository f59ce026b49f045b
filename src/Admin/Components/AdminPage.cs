using Grpc.Core;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using OpenMailserver.Admin.Services;
using OpenMailserver.Sdk;

namespace OpenMailserver.Admin.Components;

/// <summary>What every page shares: the signed-in client, the server's refusals shown as snackbars with
/// its own message, and a confirmation before anything destructive.</summary>
public abstract class AdminPage : ComponentBase
{
    [Inject] protected AdminSession Session { get; set; } = null!;
    [Inject] protected ISnackbar Snackbar { get; set; } = null!;
    [Inject] protected IDialogService Dialogs { get; set; } = null!;

    /// <summary>Pages render only once signed in (the layout shows the sign-in instead).</summary>
    protected OpenMailserverClient Api => Session.Client!;

    /// <summary>Runs one call; a refusal is shown and reported as false.</summary>
    protected async Task<bool> TryAsync(Func<Task> call)
    {
        try
        {
            await call();
            return true;
        }
        catch (RpcException e)
        {
            Snackbar.Add(Describe(e), Severity.Error);
            return false;
        }
    }

    protected async Task<bool> ConfirmAsync(string title, string text, string yes, string no = "Cancel") =>
        await Dialogs.ShowMessageBoxAsync(title, text, yesText: yes, cancelText: no) == true;

    protected static string Describe(RpcException e) => e.StatusCode switch
    {
        StatusCode.Unavailable => "The server did not answer. Is it still running?",
        _ when string.IsNullOrWhiteSpace(e.Status.Detail) => $"The server refused: {e.StatusCode}.",
        _ => e.Status.Detail,
    };
}
