namespace OpenMailserver.Server.Storage;

/// <summary>The counts on the operator's overview.</summary>
public sealed record ServerCounts(long Domains, long ActiveMailboxes, long DisabledMailboxes, long Aliases, long ReceivedSince, long SentSince,
    IReadOnlyDictionary<string, long> OutboundByState);
