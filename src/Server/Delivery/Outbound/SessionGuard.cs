using MailKit;
using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>What one outbound SMTP session may cost us, whatever the remote server does. MailKit reads each
/// reply whole into memory and times out only a single read, so a server could send an endless reply or
/// trickle one byte at a time for ever. MailKit hands every buffer it reads, and every command it writes, to
/// its protocol logger, after TLS and before it parses them: this logger counts each reply's line length,
/// lines and bytes and fails the read past a bound (<see cref="SessionLimitException"/>), and restarts the
/// reply clock on each command and each complete reply. While a MailKit call runs under <see cref="Watch"/>,
/// a reply that does not complete within <c>Delivery:CommandTimeout</c>, or the session passing
/// <c>Delivery:SessionTimeout</c>, cancels that call. <see cref="Violation"/> then says which bound was
/// crossed, for the trace.</summary>
public sealed class SessionGuard : IProtocolLogger
{
    private static readonly string[] Verbs = ["EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "NOOP", "QUIT"];

    private readonly Lock _lock = new();
    private readonly DeliveryOptions _limits;
    private readonly TimeProvider _time;
    private readonly byte[] _lineStart = new byte[4];
    private int _lineLength;
    private int _lines;
    private int _replyBytes;
    private bool _inData;
    private bool _messageOffered;
    private string _awaiting = "greeting";
    private Watcher? _watcher;

    public SessionGuard(DeliveryOptions limits, TimeProvider time)
    {
        (_limits, _time) = (limits, time);
        Deadline = time.GetUtcNow() + limits.SessionTimeout;
    }

    /// <summary>When the session must be over: it is not used, nor kept for reuse, past this.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>How much of a reply's text is kept (<c>Delivery:MaxStoredReplyLength</c>).</summary>
    public int MaxStoredReplyLength => _limits.MaxStoredReplyLength;

    /// <summary>The message of the current transaction has been sent, or begun (after a 354 or a BDAT): the
    /// other side may have taken it even if the session then broke.</summary>
    public bool MessageOffered
    {
        get
        {
            lock (_lock) return _messageOffered;
        }
    }

    /// <summary>The bound the remote server crossed, once it has; the session is then unusable.</summary>
    public string? Violation { get; private set; }

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <summary>Deadlines for one MailKit call: dispose when the call returns.</summary>
    public Watcher Watch(CancellationToken cancellationToken)
    {
        var watcher = new Watcher(this, cancellationToken);
        lock (_lock) _watcher = watcher;
        watcher.Start();
        return watcher;
    }

    public void LogConnect(Uri uri)
    {
    }

    public void LogClient(byte[] buffer, int offset, int count)
    {
        lock (_lock)
        {
            // The message itself is not a command, whatever its lines begin with.
            if (!_inData && VerbOf(buffer.AsSpan(offset, count)) is { } verb)
            {
                _awaiting = $"reply to {verb}";
                if (verb == "MAIL") _messageOffered = false;
                else if (verb == "BDAT") _messageOffered = true;
            }
            _watcher?.Restart();
        }
    }

    public void LogServer(byte[] buffer, int offset, int count)
    {
        lock (_lock)
        {
            if (Violation is { } crossed) throw new SessionLimitException(crossed);
            foreach (var b in buffer.AsSpan(offset, count))
            {
                _replyBytes++;
                if (b == (byte)'\n')
                    EndLine();
                else if (++_lineLength <= _lineStart.Length)
                    _lineStart[_lineLength - 1] = b;
                else if (_lineLength > _limits.MaxReplyLineLength)
                    Fail($"the {_awaiting} has a line longer than {_limits.MaxReplyLineLength} bytes");
                if (_replyBytes > _limits.MaxReplyBytes) Fail($"the {_awaiting} is longer than {_limits.MaxReplyBytes} bytes");
            }
        }
    }

    private void EndLine()
    {
        if (++_lines > _limits.MaxReplyLines) Fail($"the {_awaiting} has more than {_limits.MaxReplyLines} lines");
        // "250-" continues a reply; "250 " or a line shorter than four bytes ends it (as MailKit reads it).
        var last = _lineLength < 4 || _lineStart[3] != (byte)'-';
        var code = _lineLength >= 3 ? (_lineStart[0] - '0') * 100 + (_lineStart[1] - '0') * 10 + (_lineStart[2] - '0') : 0;
        _lineLength = 0;
        if (!last) return;
        (_lines, _replyBytes) = (0, 0);
        _inData = code == 354;
        if (_inData) (_awaiting, _messageOffered) = ("reply to the message", true);
        _watcher?.Restart();
    }

    private void Fail(string reason)
    {
        Violation ??= reason;
        throw new SessionLimitException(reason);
    }

    private void Expire(Watcher watcher, string reason)
    {
        lock (_lock)
        {
            if (watcher != _watcher) return;
            Violation ??= reason;
        }
        watcher.Cancel();
    }

    private static string? VerbOf(ReadOnlySpan<byte> command)
    {
        var end = command.IndexOfAny((byte)' ', (byte)'\r');
        if (end is < 4 or > 8) return null;
        var word = System.Text.Encoding.ASCII.GetString(command[..end]).ToUpperInvariant();
        return Verbs.Contains(word) ? word : null;
    }

    private static string Format(TimeSpan span) => span.TotalSeconds < 120 ? $"{span.TotalSeconds:0.#} s" : $"{span.TotalMinutes:0.#} min";

    public void Dispose()
    {
        Watcher? watcher;
        lock (_lock) watcher = _watcher;
        watcher?.Dispose();
    }

    private string Awaiting()
    {
        lock (_lock) return _awaiting;
    }

    /// <summary>The deadlines of one MailKit call; <see cref="Token"/> is the token to pass to it.</summary>
    public sealed class Watcher : IDisposable
    {
        private readonly SessionGuard _guard;
        private readonly CancellationTokenSource _cancel;
        private ITimer? _reply;
        private ITimer? _session;
        private int _disposed;

        internal Watcher(SessionGuard guard, CancellationToken cancellationToken)
        {
            _guard = guard;
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        }

        public CancellationToken Token => _cancel.Token;

        internal void Start()
        {
            var limits = _guard._limits;
            var left = _guard.Deadline - _guard._time.GetUtcNow();
            _session = _guard._time.CreateTimer(_ => _guard.Expire(this, $"the session passed its limit of {Format(limits.SessionTimeout)}"),
                null, left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            _reply = _guard._time.CreateTimer(_ => _guard.Expire(this, $"no complete {_guard.Awaiting()} within {Format(limits.CommandTimeout)}"),
                null, limits.CommandTimeout, Timeout.InfiniteTimeSpan);
        }

        /// <summary>A command went out or a reply came in: the next reply has the whole timeout again.</summary>
        internal void Restart() => _reply?.Change(_guard._limits.CommandTimeout, Timeout.InfiniteTimeSpan);

        internal void Cancel()
        {
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The call returned meanwhile; there is nothing left to stop.
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            lock (_guard._lock)
                if (_guard._watcher == this) _guard._watcher = null;
            _reply?.Dispose();
            _session?.Dispose();
            _cancel.Dispose();
        }
    }
}
