using System.Text.Json;
using System.Text.Json.Serialization;
using MimeKit;

namespace OpenMailserver.Server.Messages;

/// <summary>The MIME structure of a stored message, read once when it is stored and kept beside it, so that
/// showing its envelope and body structure (IMAP ENVELOPE, BODY, BODYSTRUCTURE) reads no message file: the
/// envelope's header values as written, and for each entity what a body structure shows of it.</summary>
public sealed record MimeTree(int Version, EnvelopeHeaders Envelope, MimeNode? Body)
{
    public const int CurrentVersion = 1;

    /// <summary>A structure larger than this is not kept: the message is parsed again when it is shown, as a
    /// message too large for its limits is. A thousand ordinary parts take about 150 KB.</summary>
    public const int MaxStoredBytes = 256 * 1024;

    /// <summary>A structure nested deeper than this is not kept (the MIME limits let operators allow deeper
    /// messages than a stored structure should carry; IMAP shows at most 1,000 levels).</summary>
    private const int MaxDepth = 1000;

    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
        // Text as UTF-8 rather than \uXXXX escapes: a third of the size for non-ASCII header values. Stored, never
        // put in HTML, so the escaping that protects a page is not needed.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = 4 * MaxDepth + 16,
    };

    /// <summary>The structure of <paramref name="message"/>, whose entities lie where <paramref name="ranges"/>
    /// says. A multipart or message part nested <paramref name="maxDepth"/> levels down is kept without what it
    /// holds (a body structure shows it as one opaque part there), and the tree says it was cut.</summary>
    public static (MimeTree Tree, bool Cut) Build(MimeMessage message, MimeRanges ranges, int maxDepth)
    {
        var cut = false;
        var body = Node(message.Body, ranges, 0, maxDepth, ref cut);
        return (new MimeTree(CurrentVersion, EnvelopeHeaders.Of(message.Headers), body), cut);
    }

    /// <summary>The stored form of a message's structure, parsed within its limits; empty (not kept) when the
    /// message is past them, nested too deep or its structure too large.</summary>
    public static byte[] StoredForm(BoundedMessage parsed, MimeRanges ranges) =>
        (!parsed.Truncated && Build(parsed.Mime, ranges, MaxDepth) is (var tree, false) && tree.TextLength() <= MaxStoredBytes ? tree.ToBytes() : null) ?? [];

    /// <summary>The characters of text the tree holds, a lower bound of its stored size: one that is too large
    /// is never serialized (a header value may be megabytes long).</summary>
    private long TextLength()
    {
        static long Bytes(byte[]? b) => b?.Length ?? 0;
        static long Of(EnvelopeHeaders e) => Bytes(e.Date) + Bytes(e.Subject) + Bytes(e.From) + Bytes(e.Sender) + Bytes(e.ReplyTo) + Bytes(e.To)
            + Bytes(e.Cc) + Bytes(e.Bcc) + Bytes(e.InReplyTo) + Bytes(e.MessageId);
        static long Parameters(IReadOnlyList<MimeParameter>? list) => list?.Sum(p => (long)p.Name.Length + p.Value.Length) ?? 0;
        var total = Of(Envelope);
        var pending = new Stack<MimeNode>();
        if (Body is not null) pending.Push(Body);
        while (pending.TryPop(out var node))
        {
            total += node.MediaType.Length + node.MediaSubtype.Length + Parameters(node.Parameters) + Parameters(node.DispositionParameters)
                     + (node.Disposition?.Length ?? 0) + (node.ContentId?.Length ?? 0) + (node.Description?.Length ?? 0) + (node.TransferEncoding?.Length ?? 0)
                     + (node.Md5?.Length ?? 0) + (node.Language?.Length ?? 0) + (node.Location?.Length ?? 0);
            if (total > MaxStoredBytes) return total;
            foreach (var child in node.Children ?? []) pending.Push(child);
            if (node.Inner is { } inner)
            {
                total += Of(inner.Envelope);
                if (inner.Body is not null) pending.Push(inner.Body);
            }
        }
        return total;
    }

    private static MimeNode? Node(MimeEntity? entity, MimeRanges ranges, int depth, int maxDepth, ref bool cut)
    {
        if (entity is null) return null;
        var range = ranges.Of(entity);
        var size = range is null ? 0 : range.End - range.ContentBegin;
        var type = entity.ContentType;
        var disposition = entity.ContentDisposition;
        var deep = depth >= maxDepth && entity is Multipart or MessagePart;
        if (deep) cut = true;
        if (entity is Multipart multipart)
        {
            var children = new List<MimeNode>(deep ? 0 : multipart.Count);
            if (!deep) foreach (var child in multipart) children.Add(Node(child, ranges, depth + 1, maxDepth, ref cut)!);
            return new MimeNode(MimeNodeKind.Multipart, type.MediaType, type.MediaSubtype, Parameters(type.Parameters), disposition?.Disposition,
                disposition is null ? null : Parameters(disposition.Parameters), null, null, null, null, null, null, size, range?.Lines ?? 0, children, null);
        }
        MimeInner? inner = null;
        if (!deep && entity is MessagePart { Message: { } message } && type.IsMimeType("message", "rfc822"))
            inner = new MimeInner(EnvelopeHeaders.Of(message.Headers), Node(message.Body, ranges, depth + 1, maxDepth, ref cut));
        var h = entity.Headers;
        return new MimeNode(entity is MessagePart ? MimeNodeKind.Message : MimeNodeKind.Leaf, type.MediaType, type.MediaSubtype, Parameters(type.Parameters),
            disposition?.Disposition, disposition is null ? null : Parameters(disposition.Parameters), entity.ContentId, h[HeaderId.ContentDescription],
            h[HeaderId.ContentTransferEncoding], h[HeaderId.ContentMd5], h[HeaderId.ContentLanguage], h[HeaderId.ContentLocation], size, range?.Lines ?? 0,
            null, inner);
    }

    private static IReadOnlyList<MimeParameter> Parameters(ParameterList list) => list.Select(p => new MimeParameter(p.Name, p.Value)).ToList();

    /// <summary>The stored form; null when too large to keep.</summary>
    public byte[]? ToBytes()
    {
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(this, Json);
            return bytes.Length > MaxStoredBytes ? null : bytes;
        }
        catch (ArgumentException)
        {
            // A header value that is not valid UTF-16 (a lone surrogate): shown from the message itself instead.
            return null;
        }
    }

    /// <summary>A stored structure; null for none, one not kept, or one of another version.</summary>
    public static MimeTree? FromBytes(byte[]? stored)
    {
        if (stored is not { Length: > 0 }) return null;
        try
        {
            var tree = JsonSerializer.Deserialize<MimeTree>(stored, Json);
            return tree?.Version == CurrentVersion ? tree : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
