namespace OpenMailserver.Server.Messages;

/// <summary>What an entity of a <see cref="MimeTree"/> is.</summary>
public enum MimeNodeKind
{
    Leaf,
    Multipart,
    /// <summary>A message/* part, shown as one part when nested too deep (and with its message inside when it is message/rfc822).</summary>
    Message,
}

/// <summary>One entity as a body structure shows it: its type and parameters, the header values it shows as
/// written, its content's size in octets and its lines, its children (a multipart) or the message it holds
/// (message/rfc822).</summary>
public sealed record MimeNode(
    MimeNodeKind Kind, string MediaType, string MediaSubtype, IReadOnlyList<MimeParameter> Parameters,
    string? Disposition, IReadOnlyList<MimeParameter>? DispositionParameters,
    string? ContentId, string? Description, string? TransferEncoding, string? Md5, string? Language, string? Location,
    long Size, int Lines, IReadOnlyList<MimeNode>? Children, MimeInner? Inner);

public sealed record MimeParameter(string Name, string Value);

/// <summary>The message a message/rfc822 part holds.</summary>
public sealed record MimeInner(EnvelopeHeaders Envelope, MimeNode? Body);
