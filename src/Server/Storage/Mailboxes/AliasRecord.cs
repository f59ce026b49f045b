namespace OpenMailserver.Server.Storage;

/// <summary>A row of <c>aliases</c>: <see cref="Destination"/> is one or more addresses, comma-separated.</summary>
public sealed record AliasRecord(long Id, string Source, string Destination, long CreatedAt)
{
    public IReadOnlyList<string> Destinations =>
        Destination.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
