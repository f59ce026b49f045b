namespace OpenMailserver.Server.Submission;

/// <summary>A file to attach; with a <see cref="ContentId"/> it is an inline part the HTML body shows.</summary>
public sealed record AttachmentContent(string FileName, string ContentType, ReadOnlyMemory<byte> Content, string? ContentId = null);
