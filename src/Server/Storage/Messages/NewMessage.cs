namespace OpenMailserver.Server.Storage;

/// <summary>What the store needs to index a message whose raw MIME is already durable as <see cref="Blob"/>, and its
/// MIME structure in stored form (<see cref="Structure"/>: empty when not kept, null when not yet read).</summary>
public sealed record NewMessage(string Blob, long Size, IndexedFields Fields, long ReceivedAt, string Flags = "", byte[]? Structure = null);
