using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>A message made ready to store, before the write that stores it: its bytes are on disk as
/// <see cref="Blob"/>, and what the index keeps and its MIME structure (<see cref="MimeTree"/>, stored form;
/// empty when not kept) have been read from them once.</summary>
public sealed record PreparedMessage(string Blob, long Size, IndexedFields Fields, byte[] Structure);
