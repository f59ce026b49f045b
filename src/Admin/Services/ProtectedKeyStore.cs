using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;

namespace OpenMailserver.Admin.Services;

/// <summary>The key in the tab's session storage, encrypted and signed with the server's data protection
/// keys, so the browser holds only ciphertext and the key is gone when the tab closes.</summary>
public sealed class ProtectedKeyStore(ProtectedSessionStorage storage) : IKeyStore
{
    private const string Name = "openmailserver-admin-key";

    public async Task<string?> GetAsync()
    {
        try
        {
            var stored = await storage.GetAsync<string>(Name);
            return stored.Success ? stored.Value : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // written under other keys (a restart with new data protection keys): sign in again
        }
    }

    public async Task SetAsync(string key) => await storage.SetAsync(Name, key);

    public async Task DeleteAsync() => await storage.DeleteAsync(Name);
}
