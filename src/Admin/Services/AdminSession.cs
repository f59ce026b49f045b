using Grpc.Core;
using OpenMailserver.Sdk;
using OpenMailserver.V1;

namespace OpenMailserver.Admin.Services;

/// <summary>The operator's sign-in for this circuit: the admin key, checked against the API, kept in
/// <see cref="IKeyStore"/>, and the SDK client made with it.</summary>
public sealed class AdminSession(IKeyStore store, IAdminClientFactory factory)
{
    public OpenMailserverClient? Client { get; private set; }
    public bool Loaded { get; private set; }
    public event Action? Changed;

    /// <summary>Picks up a key stored earlier in this tab (after a reload).</summary>
    public async Task LoadAsync()
    {
        if (Loaded) return;
        if (await store.GetAsync() is { Length: > 0 } key && await CheckAsync(key) is null) Client = factory.Create(key);
        Loaded = true;
        Changed?.Invoke();
    }

    /// <returns>Null when signed in, otherwise why not.</returns>
    public async Task<string?> SignInAsync(string key)
    {
        if (string.IsNullOrWhiteSpace(key)) return "Enter the admin API key.";
        var problem = await CheckAsync(key.Trim());
        if (problem is not null) return problem;
        await store.SetAsync(key.Trim());
        Client = factory.Create(key.Trim());
        Loaded = true;
        Changed?.Invoke();
        return null;
    }

    public async Task SignOutAsync()
    {
        await store.DeleteAsync();
        Client = null;
        Changed?.Invoke();
    }

    /// <summary>An operator key can list mailboxes; anything else is told apart for a clear message.</summary>
    private async Task<string?> CheckAsync(string key)
    {
        try
        {
            await factory.Create(key).Mailboxes.ListMailboxesAsync(new ListMailboxesRequest());
            return null;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
        {
            return "This key is wrong or has been revoked.";
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
        {
            return "This is not an operator key: the dashboard needs the admin API key.";
        }
        catch (RpcException e)
        {
            return $"The server could not check the key: {e.Status.Detail}";
        }
    }
}
