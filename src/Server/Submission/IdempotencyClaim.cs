namespace OpenMailserver.Server.Submission;

/// <summary>An idempotency key a send claims in the transaction that records it, with the hash of the
/// request it was made for.</summary>
public sealed record IdempotencyClaim(string Key, byte[] RequestHash);
