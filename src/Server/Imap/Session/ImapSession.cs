using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>One IMAP connection: reads commands (with their literals), runs them in the state machine of
/// RFC 3501 §3, and writes responses. The commands themselves are in <c>Imap/Commands/</c>, as parts of
/// this class grouped by area.</summary>
public sealed partial class ImapSession
{
    private const int MaxBadCommands = 20;

    /// <summary>A response being built is sent once it passes this, so long replies are streamed.</summary>
    private const int ResponseFlushBytes = 64 * 1024;

    private readonly ImapServices _services;
    private readonly IPAddress? _remote;
    private readonly bool _tlsPort;
    private Stream _stream;
    private LineReader _reader;
    private int _badCommands;
    private IDisposable? _changeSubscription;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private IReadOnlySet<uint> _lastSearch = new HashSet<uint>();
    private DateTimeOffset _windowStart;
    private int _commandsInWindow;

    private readonly Action? _afterRead;
    private CancellationTokenSource? _ending;
    private CancellationTokenRegistration _revocation;
    private const string RevokedBye = "BYE Logged out: the mailbox was disabled or its password changed";

    /// <param name="afterRead">Called after each read from the network (see <see cref="ImapListener"/>).</param>
    public ImapSession(ImapServices services, Stream stream, IPAddress? remote, bool tlsPort, Action? afterRead = null)
    {
        _services = services;
        _stream = stream;
        _afterRead = afterRead;
        _reader = new LineReader(stream, afterRead);
        _remote = remote;
        _tlsPort = tlsPort;
        IsSecure = stream is SslStream;
        _connectedAt = services.Time.GetUtcNow();
    }

    public SessionState State { get; private set; } = SessionState.NotAuthenticated;
    public bool IsSecure { get; private set; }
    public MailboxRecord? User { get; private set; }
    public SelectedFolder? Selected { get; private set; }

    /// <summary>How long the next command may take to arrive. Before login the whole connection has
    /// <see cref="ImapOptions.LoginTimeout"/>, however busy the client keeps it with NOOP or CAPABILITY, so a
    /// connection that never logs in cannot keep its slot.</summary>
    private TimeSpan Timeout
    {
        get
        {
            if (State != SessionState.NotAuthenticated) return _services.Options.Value.Imap.IdleTimeout;
            var left = _connectedAt + _services.Options.Value.Imap.LoginTimeout - _services.Time.GetUtcNow();
            return left < TimeSpan.FromMinutes(1) ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : TimeSpan.FromMinutes(1);
        }
    }

    private readonly DateTimeOffset _connectedAt;

    public async Task RunAsync(CancellationToken serverStopping)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
        _ending = ending;
        var stopping = ending.Token;
        try
        {
            await WriteAsync(new ImapResponse().Untagged($"OK [CAPABILITY {Capabilities()}] {_services.Options.Value.Hostname} Open Mailserver IMAP ready"), stopping);
            while (State != SessionState.Logout && !stopping.IsCancellationRequested)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                timeout.CancelAfter(Timeout);
                ImapCommand? command;
                try
                {
                    command = await ReadCommandAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    await WriteAsync(new ImapResponse().Untagged("BYE Autologout; idle for too long"), stopping);
                    return;
                }
                if (command is null) return;
                await ThrottleAsync(stopping);
                await ExecuteAsync(command, stopping);
                if (await EndedByBadCommandsAsync(stopping)) return;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await TryWriteAsync(new ImapResponse().Untagged(serverStopping.IsCancellationRequested ? "BYE Server shutting down" : RevokedBye));
        }
        catch (IOException)
        {
            // The client went away.
        }
        catch (LineTooLongException)
        {
            await TryWriteAsync(new ImapResponse().Untagged("BYE Line too long"));
        }
        finally
        {
            _changeSubscription?.Dispose();
            _revocation.Dispose();
        }
    }

    /// <summary>Reads one command with its literals inlined, or null when the session ends (the client
    /// closed the connection, sent a literal too large to refuse politely, or too many bad commands).
    /// Synchronizing literals get a continuation; oversized ones are refused before the client sends them.</summary>
    private async Task<ImapCommand?> ReadCommandAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var framed = await CommandReader.ReadAsync(_reader, ReadLimits(), ContinueLiteralAsync, cancellationToken);
            switch (framed)
            {
                case null:
                    return null;
                case FramedCommand.Abort abort:
                    await WriteAsync(new ImapResponse().Untagged("BYE " + abort.Reason), cancellationToken);
                    State = SessionState.Logout;
                    return null;
                case FramedCommand.Refused refused:
                    await WriteAsync(new ImapResponse().Tagged(refused.Tag ?? "*", "NO", refused.Reason), cancellationToken);
                    continue;
                case FramedCommand.Complete { Tag: null }:
                    _badCommands++;
                    await WriteAsync(new ImapResponse().Untagged("BAD Missing or invalid tag"), cancellationToken);
                    if (await EndedByBadCommandsAsync(cancellationToken)) return null;
                    continue;
                case FramedCommand.Complete { Tag: { } tag } complete:
                    var reader = new ImapReader(complete.Buffer, tag.Length, complete.Length);
                    try
                    {
                        reader.Space();
                        var name = reader.Atom("a command name").ToUpperInvariant();
                        if (name == "UID")
                        {
                            reader.Space();
                            name = "UID " + reader.Atom("a command name").ToUpperInvariant();
                        }
                        return new ImapCommand(tag, name, reader);
                    }
                    catch (ImapParseException e)
                    {
                        _badCommands++;
                        await WriteAsync(new ImapResponse().Tagged(tag, "BAD", Shorten(e.Message, 200)), cancellationToken);
                        if (await EndedByBadCommandsAsync(cancellationToken)) return null;
                    }
                    continue;
            }
        }
    }

    private Task ContinueLiteralAsync(CancellationToken cancellationToken) =>
        WriteAsync(new ImapResponse().Raw("+ Ready for literal data\r\n"), cancellationToken);

    /// <summary>Before login a literal only carries a user name or password, so only small ones are read;
    /// after it one literal may be a whole message (within Limits:MaxMessageBytes too).</summary>
    private CommandLimits ReadLimits()
    {
        var imap = _services.Options.Value.Imap;
        return State == SessionState.NotAuthenticated
            ? new CommandLimits(imap.MaxLineBytes, imap.MaxLiteralBytesBeforeLogin, imap.MaxLiteralBytesBeforeLogin)
            : new CommandLimits(imap.MaxLineBytes, Math.Min(imap.MaxLiteralBytes, _services.Options.Value.Limits.MaxMessageBytes), imap.MaxCommandLiteralBytes);
    }

    private int MaxLineBytes => _services.Options.Value.Imap.MaxLineBytes;

    /// <summary>Says BYE and ends the session once a client has sent too many bad commands in a row
    /// (untagged garbage counts too), so it cannot keep us parsing noise.</summary>
    private async Task<bool> EndedByBadCommandsAsync(CancellationToken cancellationToken)
    {
        if (_badCommands < MaxBadCommands) return false;
        await WriteAsync(new ImapResponse().Untagged("BYE Too many bad commands"), cancellationToken);
        State = SessionState.Logout;
        return true;
    }

    private async Task ExecuteAsync(ImapCommand command, CancellationToken cancellationToken)
    {
        var response = new ImapResponse();
        try
        {
            if (!Allowed(command.Name))
            {
                _badCommands++;
                response.Tagged(command.Tag, "BAD", Known(command.Name)
                    ? $"{command.Name} is not allowed now ({DescribeState()})"
                    : $"Unknown command {Shorten(command.Name)}");
            }
            else
            {
                await DispatchAsync(command, response, cancellationToken);
                _badCommands = 0;
            }
        }
        catch (ImapParseException e)
        {
            _badCommands++;
            response.Tagged(command.Tag, "BAD", Shorten(e.Message, 200));
        }
        catch (MailServerException e)
        {
            response.Tagged(command.Tag, "NO", e.Message);
        }
        catch (Exception e) when (e is not (OperationCanceledException or IOException or ObjectDisposedException))
        {
            // A fault of ours in one command ends that command, not the client's session.
            _services.Logger.LogError(e, "IMAP {Command} from {Remote} failed", command.Name, _remote);
            response.Tagged(command.Tag, "NO", "[SERVERBUG] The command failed on the server; it has been logged");
        }
        if (response.Length > 0) await WriteAsync(response, cancellationToken);
    }

    private string DescribeState() => State switch
    {
        SessionState.NotAuthenticated => "log in first",
        SessionState.Authenticated => "select a folder first",
        _ => "not in this state",
    };

    private static string Shorten(string text, int length = 40) => text.Length <= length ? text : text[..length] + "...";

    private async Task WriteAsync(ImapResponse response, CancellationToken cancellationToken)
    {
        await WriteBytesAsync(response.Bytes, cancellationToken);
        response.Clear();
    }

    /// <summary>Writes and flushes within <see cref="ImapOptions.WriteTimeout"/>: a client that stops reading
    /// its replies must not hold its session, and the slots it counts in, for ever.</summary>
    private async Task WriteBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_services.Options.Value.Imap.WriteTimeout);
        try
        {
            await _stream.WriteAsync(bytes, deadline.Token);
            await _stream.FlushAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"The client read no reply for {_services.Options.Value.Imap.WriteTimeout}");
        }
    }

    private async Task TryWriteAsync(ImapResponse response)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await WriteAsync(response, cts.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Upgrades the connection in place after STARTTLS. Anything the client pipelined after the
    /// command in cleartext is discarded (it could have been injected by someone on the path).</summary>
    private async Task StartTlsAsync(CancellationToken cancellationToken)
    {
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = _services.Certificates.Current,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        }, cancellationToken);
        _stream = tls;
        _reader = new LineReader(tls, _afterRead);
        IsSecure = true;
    }

    /// <summary>Keeps one session under Imap:MaxCommandsPerSecond by making it wait for the next second,
    /// so a runaway client cannot monopolise the server; well-behaved clients never notice.</summary>
    private async Task ThrottleAsync(CancellationToken cancellationToken)
    {
        var now = _services.Time.GetUtcNow();
        if (now - _windowStart >= TimeSpan.FromSeconds(1))
        {
            _windowStart = now;
            _commandsInWindow = 0;
        }
        if (++_commandsInWindow <= _services.Options.Value.Imap.MaxCommandsPerSecond) return;
        await Task.Delay(_windowStart + TimeSpan.FromSeconds(1) - now, _services.Time, cancellationToken);
        _windowStart = _services.Time.GetUtcNow();
        _commandsInWindow = 1;
    }

    /// <summary>Ends the session (a BYE, even in IDLE or mid-command) once the login's credential is revoked.</summary>
    private void EndWhenRevoked(CancellationToken revoked) => _revocation = revoked.Register(() => _ending?.Cancel());

    private void OnMailboxChanged()
    {
        if (_changed.CurrentCount == 0)
        {
            try { _changed.Release(); } catch (SemaphoreFullException) { }
        }
    }
}
