namespace OpenMailserver.Server.Storage;

/// <summary>What the store needs to index a message whose raw MIME is already durable as <see cref="Blob"/>.</summary>
public sealed record NewMessage(string Blob, long Size, IndexedFields Fields, long ReceivedAt, string Flags = "");
