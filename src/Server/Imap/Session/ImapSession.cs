using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Imap.Protocol;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>One IMAP connection: reads commands (with their literals), runs them in the state machine of
/// RFC 3501 §3, and writes responses. The commands themselves are in <c>Imap/Commands/</c>, as parts of
/// this class grouped by area.</summary>
public sealed partial class ImapSession
{
    private const int MaxLineLength = 64 * 1024;
    private const int MaxBadCommands = 20;

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
    }

    public SessionState State { get; private set; } = SessionState.NotAuthenticated;
    public bool IsSecure { get; private set; }
    public MailboxRecord? User { get; private set; }
    public SelectedFolder? Selected { get; private set; }

    private TimeSpan Timeout => State == SessionState.NotAuthenticated ? TimeSpan.FromMinutes(1) : _services.Options.Value.Imap.IdleTimeout;

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
                if (_badCommands >= MaxBadCommands)
                {
                    await WriteAsync(new ImapResponse().Untagged("BYE Too many bad commands"), stopping);
                    return;
                }
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

    /// <summary>Reads one command with its literals inlined, or null when the client closed the connection.
    /// Synchronizing literals get a continuation; oversized ones are refused before the client sends them.</summary>
    private async Task<ImapCommand?> ReadCommandAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using var command = new MemoryStream();
            var line = await _reader.ReadLineAsync(MaxLineLength, cancellationToken);
            if (line is null) return null;
            if (line.Length == 0) continue;
            var tag = Tag(line);
            var refused = false;
            while (Literal(line) is { } literal)
            {
                command.Write(line);
                command.Write("\r\n"u8);
                var limit = _services.Options.Value.Limits.MaxMessageBytes;
                if (literal.Length > limit || literal.Length < 0)
                {
                    if (!literal.NonSynchronizing)
                    {
                        await WriteAsync(new ImapResponse().Tagged(tag ?? "*", "NO", $"[TOOBIG] Literal of {literal.Length} bytes is larger than the limit of {limit}"), cancellationToken);
                        refused = true;
                        break;
                    }
                    await WriteAsync(new ImapResponse().Untagged("BYE [TOOBIG] Literal too large"), cancellationToken);
                    State = SessionState.Logout;
                    return null;
                }
                if (!literal.NonSynchronizing) await WriteAsync(new ImapResponse().Raw("+ Ready for literal data\r\n"), cancellationToken);
                if (!await _reader.ReadExactAsync(command, literal.Length, cancellationToken)) return null;
                line = await _reader.ReadLineAsync(MaxLineLength, cancellationToken);
                if (line is null) return null;
            }
            if (refused) continue;
            command.Write(line);
            var bytes = command.ToArray();

            if (tag is null)
            {
                _badCommands++;
                await WriteAsync(new ImapResponse().Untagged("BAD Missing or invalid tag"), cancellationToken);
                continue;
            }
            var reader = new ImapReader(bytes, tag.Length);
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
                await WriteAsync(new ImapResponse().Tagged(tag, "BAD", e.Message), cancellationToken);
            }
        }
    }

    private readonly record struct LiteralMarker(long Length, bool NonSynchronizing);

    /// <summary>The literal announced at the end of a line: <c>{n}</c> or <c>{n+}</c> (LITERAL+).</summary>
    private static LiteralMarker? Literal(byte[] line)
    {
        if (line.Length < 3 || line[^1] != '}') return null;
        var open = Array.LastIndexOf(line, (byte)'{');
        if (open < 0) return null;
        var inner = Encoding.ASCII.GetString(line, open + 1, line.Length - open - 2);
        var plus = inner.EndsWith('+');
        if (plus) inner = inner[..^1];
        if (inner.Length is 0 or > 12 || !inner.All(char.IsAsciiDigit)) return null;
        return new LiteralMarker(long.Parse(inner), plus);
    }

    private static string? Tag(byte[] line)
    {
        var end = Array.IndexOf(line, (byte)' ');
        if (end <= 0) return null;
        for (var i = 0; i < end; i++)
            if (!ImapReader.IsAtomChar((char)line[i]) || line[i] == '+' || line[i] > 127) return null;
        return Encoding.ASCII.GetString(line, 0, end);
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
            response.Tagged(command.Tag, "BAD", e.Message);
        }
        catch (MailServerException e)
        {
            response.Tagged(command.Tag, "NO", e.Message);
        }
        if (response.Length > 0) await WriteAsync(response, cancellationToken);
    }

    private string DescribeState() => State switch
    {
        SessionState.NotAuthenticated => "log in first",
        SessionState.Authenticated => "select a folder first",
        _ => "not in this state",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    private async Task WriteAsync(ImapResponse response, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(response.Bytes, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        response.Clear();
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
