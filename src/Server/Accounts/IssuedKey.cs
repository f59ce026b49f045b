namespace OpenMailserver.Server.Accounts;

/// <summary>A key just created: the raw key exists only here, to be shown once.</summary>
public sealed record IssuedKey(long Id, string RawKey, IReadOnlyList<string> Scopes);
