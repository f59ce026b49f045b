namespace OpenMailserver.Server.Imap.Protocol;

public enum FetchKind { Flags, InternalDate, Rfc822Size, Envelope, Body, BodyStructure, Uid, Rfc822, Rfc822Header, Rfc822Text, Section, ModSeq, Binary, BinarySize }

/// <summary>One data item of a FETCH. For <see cref="FetchKind.Section"/>: the part path, the specifier
/// (HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT, MIME or none), the header names, PEEK, and a partial
/// range. <see cref="FetchKind.Binary"/> and <see cref="FetchKind.BinarySize"/> (RFC 3516) have a part path alone,
/// and BINARY a partial range.</summary>
public sealed record FetchItem(FetchKind Kind, IReadOnlyList<int> Path, string? Specifier, IReadOnlyList<string>? Fields, bool Peek,
    long? PartialStart, long? PartialLength, string SectionText)
{
    public static FetchItem Simple(FetchKind kind) => new(kind, [], null, null, false, null, null, "");

    /// <summary>Whether fetching this item sets \Seen (RFC 3501: BODY[...] and RFC822, RFC822.TEXT; RFC 3516: BINARY[...]).</summary>
    public bool SetsSeen => !Peek && Kind is FetchKind.Section or FetchKind.Rfc822 or FetchKind.Rfc822Text or FetchKind.Binary;

    /// <summary>The name the response uses, e.g. <c>BODY[1.MIME]&lt;0&gt;</c>.</summary>
    public string ResponseName => Kind switch
    {
        FetchKind.Section => $"BODY[{SectionText}]" + (PartialStart is { } start ? $"<{start}>" : ""),
        FetchKind.Binary => $"BINARY[{SectionText}]" + (PartialStart is { } start ? $"<{start}>" : ""),
        FetchKind.BinarySize => $"BINARY.SIZE[{SectionText}]",
        FetchKind.Flags => "FLAGS",
        FetchKind.InternalDate => "INTERNALDATE",
        FetchKind.Rfc822Size => "RFC822.SIZE",
        FetchKind.Envelope => "ENVELOPE",
        FetchKind.Body => "BODY",
        FetchKind.BodyStructure => "BODYSTRUCTURE",
        FetchKind.Uid => "UID",
        FetchKind.Rfc822 => "RFC822",
        FetchKind.Rfc822Header => "RFC822.HEADER",
        FetchKind.Rfc822Text => "RFC822.TEXT",
        FetchKind.ModSeq => "MODSEQ",
        _ => throw new InvalidOperationException(),
    };
}
