namespace OpenMailserver.Server.Api;

/// <summary>Where a request carries its API key: the <c>X-OpenMailserver-Key</c> header, or, as most HTTP clients
/// and curl users send a token, <c>Authorization: Bearer</c>.</summary>
public static class ApiKeyHeader
{
    public const string Name = "X-OpenMailserver-Key";
    private const string Bearer = "Bearer ";

    /// <returns>The key, trimmed; empty when the request has none.</returns>
    public static string Read(IHeaderDictionary headers)
    {
        var key = headers[Name].ToString().Trim();
        if (key.Length > 0) return key;
        var authorization = headers.Authorization.ToString().Trim();
        return authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? authorization[Bearer.Length..].Trim() : "";
    }
}
