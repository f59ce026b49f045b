using MimeKit;

namespace OpenMailserver.Server.Messages;

/// <summary>Walks a message's MIME structure as MimeKit reads it, building nothing, and stops at the first
/// entity, nesting level or header field beyond <see cref="MimeLimits"/>: memory stays flat whatever the
/// message holds, and the walk costs no more than the part that will be kept.</summary>
public sealed class MimeStructureScanner : MimeReader
{
    private readonly MimeLimits _limits;
    private int _parts;
    private int _depth;
    private int _headers;
    private bool _inTopLevelHeaders = true;
    private long? _boundaryAt;
    private long _entityStart;
    private long _headersEntityStart;

    private MimeStructureScanner(Stream stream, MimeLimits limits) : base(stream)
    {
        _limits = limits;
    }

    /// <summary>Header fields of the message itself, counted up to one past the limit.</summary>
    public int TopLevelHeaders { get; private set; }

    /// <summary>The message's own header fields within the limit, as read (a scan of the header alone keeps
    /// them, so they need not be parsed a second time).</summary>
    public HeaderList Headers { get; } = [];

    /// <summary>Whether the message's own header carries a DKIM-Signature field (among those counted).</summary>
    public bool HasDkimSignature { get; private set; }

    /// <summary>Where the kept part of the message ends: the offset of the first thing beyond the limits,
    /// or null when the whole message is within them.</summary>
    public long? Cut { get; private set; }

    /// <summary>Scans from the stream's current position; <paramref name="headersOnly"/> stops after the
    /// message's own header.</summary>
    public static MimeStructureScanner Scan(Stream stream, MimeLimits limits, bool headersOnly, CancellationToken cancellationToken)
    {
        var scanner = new MimeStructureScanner(stream, limits);
        try
        {
            if (headersOnly) scanner.ReadHeaders(cancellationToken);
            else scanner.ReadMessage(cancellationToken);
        }
        catch (LimitReached)
        {
            // Cut is set: the rest is not looked at.
        }
        catch (FormatException)
        {
            // MimeKit reads what it can of a malformed message; its own parse decides what that is.
        }
        return scanner;
    }

    protected override void OnHeadersBegin(long beginOffset, int beginLineNumber, CancellationToken cancellationToken)
    {
        _headers = 0;
        _headersEntityStart = _boundaryAt ?? beginOffset;
    }

    protected override void OnHeaderRead(Header header, int beginLineNumber, CancellationToken cancellationToken)
    {
        if (_inTopLevelHeaders)
        {
            TopLevelHeaders++;
            if (header.Id == HeaderId.DkimSignature) HasDkimSignature = true;
            if (TopLevelHeaders <= _limits.MaxHeaders) Headers.Add(header);
        }
        // The message's own header keeps its first fields; an inner entity with too many is left out whole,
        // since what is kept of it would be an entity the part count never saw.
        if (++_headers > _limits.MaxHeaders) Stop(_inTopLevelHeaders ? header.Offset ?? 0 : _headersEntityStart);
    }

    protected override void OnHeadersEnd(long headersEndOffset, int headersEndLineNumber, long offset, int lineNumber,
        CancellationToken cancellationToken) => _inTopLevelHeaders = false;

    protected override void OnMultipartBoundaryBegin(long beginOffset, int beginLineNumber, CancellationToken cancellationToken) =>
        _boundaryAt = beginOffset;

    protected override void OnMimePartBegin(ContentType contentType, long beginOffset, int beginLineNumber, CancellationToken cancellationToken) =>
        Count(beginOffset);

    protected override void OnMultipartBegin(ContentType contentType, long beginOffset, int beginLineNumber, CancellationToken cancellationToken) =>
        Enter(beginOffset);

    protected override void OnMultipartEnd(ContentType contentType, long beginOffset, int beginLineNumber, long headersEndOffset, long endOffset,
        int lines, CancellationToken cancellationToken) => _depth--;

    protected override void OnMessagePartBegin(ContentType contentType, long beginOffset, int beginLineNumber, CancellationToken cancellationToken) =>
        Enter(beginOffset);

    protected override void OnMessagePartEnd(ContentType contentType, long beginOffset, int beginLineNumber, long headersEndOffset, long endOffset,
        int lines, CancellationToken cancellationToken) => _depth--;

    private void Enter(long offset)
    {
        Count(offset);
        if (++_depth > _limits.MaxDepth) Stop(_entityStart);
    }

    private void Count(long offset)
    {
        // An entity of a multipart starts right after its boundary line: the cut goes before that line, so
        // that the kept part does not end in a boundary that opens an empty entity.
        var start = _boundaryAt ?? offset;
        _boundaryAt = null;
        if (++_parts > _limits.MaxParts) Stop(start);
        _entityStart = start;
    }

    private void Stop(long offset)
    {
        // The top entity starts at 0; keeping nothing of it would lose the message's own header as well.
        Cut = Math.Max(offset, 1);
        throw new LimitReached();
    }

    private sealed class LimitReached : Exception;
}
