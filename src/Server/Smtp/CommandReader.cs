using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace OpenMailserver.Server.Smtp;

/// <summary>The session's input as the library reads it. While the library reads commands, each line it is
/// about to parse passes <see cref="CommandLineCheck"/> first: answered here, rewritten, or passed on as it is;
/// a line longer than <see cref="CommandLineCheck.MaxLength"/> ends the session. The message after DATA passes
/// untouched. An evicted session's read says 421 and reports the end of input.</summary>
public sealed class CommandReader(SessionPipe session, string hostname, string postmasterDomain) : PipeReader
{
    private readonly byte[] _evicted = Encoding.ASCII.GetBytes($"421 4.7.0 {hostname} Idle session closed to make room, try again later\r\n");
    private readonly byte[] _tooLong = Encoding.ASCII.GetBytes("500 5.5.2 Line too long\r\n");

    /// <summary>A rewritten line handed to the library, and where the original line ends in the real input.</summary>
    private (ReadOnlySequence<byte> Line, SequencePosition OriginalStart, SequencePosition OriginalEnd)? _substitute;

    private PipeReader Inner => session.Inner.Input;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (session.Evicted) return await EndAsync(_evicted, cancellationToken);
            var result = await Inner.ReadAsync(cancellationToken);
            if (result.IsCanceled && session.Evicted) return await EndAsync(_evicted, cancellationToken);
            if (result.Buffer.Length > 0) session.Touch();
            if (!session.ReadingCommands || result.IsCanceled || result.IsCompleted) return result;

            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
            {
                if (buffer.Length <= CommandLineCheck.MaxLength) return result;
                Inner.AdvanceTo(buffer.End);
                return await EndAsync(_tooLong, cancellationToken);
            }
            if (line.Length > CommandLineCheck.MaxLength)
            {
                Inner.AdvanceTo(buffer.End);
                return await EndAsync(_tooLong, cancellationToken);
            }

            var verdict = line.IsSingleSegment
                ? CommandLineCheck.Inspect(line.FirstSpan, postmasterDomain)
                : CommandLineCheck.Inspect(line.ToArray(), postmasterDomain);
            if (verdict.IsPass) return result;
            if (verdict.Rewritten is { } rewritten)
            {
                var substitute = new ReadOnlySequence<byte>(rewritten);
                _substitute = (substitute, buffer.Start, reader.Position);
                return new ReadResult(substitute, isCanceled: false, isCompleted: false);
            }
            // Answered here: the library never sees the line, and is waiting for the next one.
            Inner.AdvanceTo(reader.Position);
            await WriteAsync(Encoding.ASCII.GetBytes(verdict.Reply!), cancellationToken);
        }
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_substitute is { } s)
        {
            _substitute = null;
            // The library takes a whole line or nothing; so does the real input.
            Inner.AdvanceTo(consumed.Equals(s.Line.End) ? s.OriginalEnd : s.OriginalStart);
            return;
        }
        Inner.AdvanceTo(consumed, examined);
    }

    /// <summary>Nothing is offered without the checks of <see cref="ReadAsync"/>: "no data yet" sends the caller there.</summary>
    public override bool TryRead(out ReadResult result)
    {
        result = default;
        return false;
    }

    public override void CancelPendingRead() => Inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => Inner.Complete(exception);

    /// <summary>Says why, then reports the end of input so the library ends the session as if the client had gone.</summary>
    private async ValueTask<ReadResult> EndAsync(byte[] reply, CancellationToken cancellationToken)
    {
        try
        {
            await WriteAsync(reply, cancellationToken);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
        return new ReadResult(ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);
    }

    private async ValueTask WriteAsync(byte[] reply, CancellationToken cancellationToken) => await session.Output.WriteAsync(reply, cancellationToken);
}
