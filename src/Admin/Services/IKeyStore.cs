namespace OpenMailserver.Admin.Services;

/// <summary>Where the signed-in operator's key lives for the browser tab: never in a URL or a log.</summary>
public interface IKeyStore
{
    Task<string?> GetAsync();
    Task SetAsync(string key);
    Task DeleteAsync();
}
