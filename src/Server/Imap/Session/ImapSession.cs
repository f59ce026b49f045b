using System.Net;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Imap.Commands;
using OpenMailserver.Server.Imap.Connection;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>One IMAP connection's state (RFC 3501 §3: not authenticated, authenticated, selected, logout) and
/// its loop: read a command with its literals, hand it to the handler <see cref="CommandTable"/> names for it
/// if the state allows, write the reply. What each command does is in its handler in <c>Imap/Commands/</c>.</summary>
public sealed class ImapSession
{
    private const int MaxBadCommands = 20;

    /// <summary>A response being built is sent once it passes this, so long replies are streamed.</summary>
    public const int ResponseFlushBytes = 64 * 1024;

    private const string RevokedBye = "BYE Logged out: the mailbox was disabled or its password changed";

    private readonly ImapConnection _connection;
    private readonly DateTimeOffset _connectedAt;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private int _badCommands;
    private IDisposable? _changeSubscription;
    private DateTimeOffset _windowStart;
    private int _commandsInWindow;
    private CancellationTokenSource? _ending;
    private CancellationTokenRegistration _revocation;

    /// <param name="afterRead">Called after each read from the network (see <see cref="ImapListener"/>).</param>
    public ImapSession(ImapServices services, Stream stream, IPAddress? remote, Action? afterRead = null)
    {
        Services = services;
        Remote = remote;
        _connection = new ImapConnection(stream, afterRead, services.Imap.Value.WriteTimeout);
        _connectedAt = services.Time.GetUtcNow();
    }

    public ImapServices Services { get; }
    public IPAddress? Remote { get; }
    public SessionState State { get; private set; } = SessionState.NotAuthenticated;
    public bool IsSecure => _connection.IsSecure;
    public MailboxRecord? User { get; private set; }
    public SelectedFolder? Selected { get; private set; }

    /// <summary>CONDSTORE is on (RFC 7162 §3.1): by ENABLE or by a command that uses it. Every FETCH the server sends
    /// of its own accord, and every STORE's, then carries the message's MODSEQ.</summary>
    public bool CondStore { get; private set; }

    /// <summary>QRESYNC is on (ENABLE QRESYNC, RFC 7162 §3.2): removals are told by UID with VANISHED, not EXPUNGE.</summary>
    public bool QResync { get; private set; }

    /// <summary>Turns CONDSTORE on; a client that has a folder selected learns its HIGHESTMODSEQ now.</summary>
    public void EnableCondStore(ImapResponse r)
    {
        if (CondStore) return;
        CondStore = true;
        if (Selected is { } selected) r.Untagged($"OK [HIGHESTMODSEQ {selected.Folder.HighestModSeq}] Highest");
    }

    public void EnableQResync(ImapResponse r)
    {
        EnableCondStore(r);
        QResync = true;
    }

    /// <summary>IMAP4rev2 is on (ENABLE IMAP4rev2, RFC 9051): folder names travel as UTF-8, every SEARCH is answered
    /// by ESEARCH, and there is no \Recent (no RECENT count, no \Recent flag; the arrivals stay recent for IMAP4rev1
    /// sessions).</summary>
    public bool Rev2 { get; private set; }

    public void EnableRev2()
    {
        Rev2 = true;
        Selected?.ForgetRecent();
    }

    /// <summary>A folder name as this session's client reads it: modified UTF-7, or UTF-8 under IMAP4rev2.</summary>
    public string FolderOnWire(string name) => Rev2 ? name : ModifiedUtf7.Encode(name);

    /// <summary>The UIDs of the last SEARCH RETURN (SAVE), which '$' names (RFC 5182).</summary>
    public IReadOnlySet<uint> LastSearch { get; set; } = new HashSet<uint>();

    /// <summary>The line bound of the session, also for lines read inside a command (AUTHENTICATE, IDLE).</summary>
    public int MaxLineBytes => Services.Imap.Value.MaxLineBytes;

    /// <summary>How long the next command may take to arrive. Before login the whole connection has
    /// <see cref="ImapOptions.LoginTimeout"/>, however busy the client keeps it with NOOP or CAPABILITY, so a
    /// connection that never logs in cannot keep its slot.</summary>
    private TimeSpan Timeout
    {
        get
        {
            if (State != SessionState.NotAuthenticated) return Services.Imap.Value.IdleTimeout;
            var left = _connectedAt + Services.Imap.Value.LoginTimeout - Services.Time.GetUtcNow();
            return left < TimeSpan.FromMinutes(1) ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : TimeSpan.FromMinutes(1);
        }
    }

    public async Task RunAsync(CancellationToken serverStopping)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
        _ending = ending;
        var stopping = ending.Token;
        try
        {
            await WriteAsync(new ImapResponse().Untagged($"OK [CAPABILITY {CapabilityHandler.List(this)}] {Services.Server.Value.Hostname} Open Mailserver IMAP ready"), stopping);
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
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // The client went away, or sent what does not inflate under COMPRESS.
        }
        catch (LineTooLongException)
        {
            await TryWriteAsync(new ImapResponse().Untagged("BYE Line too long"));
        }
        finally
        {
            _changeSubscription?.Dispose();
            _revocation.Dispose();
            await _connection.CompleteAsync();
        }
    }

    /// <summary>Reads one command with its literals inlined, or null when the session ends (the client
    /// closed the connection, sent a literal too large to refuse politely, or too many bad commands).
    /// Synchronizing literals get a continuation; oversized ones are refused before the client sends them.</summary>
    private async Task<ImapCommand?> ReadCommandAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var framed = await CommandReader.ReadAsync(_connection.Reader, ReadLimits(), ContinueLiteralAsync, cancellationToken);
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
                    try
                    {
                        return CommandParser.Command(tag, new ImapReader(complete.Buffer, tag.Length, complete.Length) { Utf8Names = Rev2 });
                    }
                    catch (ImapParseException e)
                    {
                        _badCommands++;
                        await WriteAsync(new ImapResponse().Tagged(tag, "BAD", e.Message.Shorten(200)), cancellationToken);
                        if (await EndedByBadCommandsAsync(cancellationToken)) return null;
                    }
                    continue;
            }
        }
    }

    private Task ContinueLiteralAsync(CancellationToken cancellationToken) =>
        WriteAsync(new ImapResponse().Raw("+ Ready for literal data\r\n"), cancellationToken);

    /// <summary>Before login a literal only carries a user name or password, so only small ones are read;
    /// after it one literal may be a whole message (<see cref="AppendLimit"/>).</summary>
    private CommandLimits ReadLimits()
    {
        var imap = Services.Imap.Value;
        return State == SessionState.NotAuthenticated
            ? new CommandLimits(imap.MaxLineBytes, imap.MaxLiteralBytesBeforeLogin, imap.MaxLiteralBytesBeforeLogin)
            : new CommandLimits(imap.MaxLineBytes, AppendLimit, imap.MaxCommandLiteralBytes);
    }

    /// <summary>The largest message APPEND takes (RFC 7889 APPENDLIMIT): the literal bound and Limits:MaxMessageBytes.</summary>
    public long AppendLimit => Math.Min(Services.Imap.Value.MaxLiteralBytes, Services.Limits.Value.MaxMessageBytes);

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
            if (CommandTable.Find(command.Name) is not { } handler)
            {
                _badCommands++;
                response.Tagged(command.Tag, "BAD", $"Unknown command {command.Name.Shorten()}");
            }
            else if (!handler.States.Contains(State))
            {
                _badCommands++;
                response.Tagged(command.Tag, "BAD", $"{command.Name} is not allowed now ({DescribeState()})");
            }
            else
            {
                var before = _badCommands;
                await handler.ExecuteAsync(this, command, response, cancellationToken);
                // A handler that counted a bad line of its own (IDLE without DONE) keeps it counted.
                if (_badCommands == before) _badCommands = 0;
            }
        }
        catch (ImapParseException e)
        {
            _badCommands++;
            response.Tagged(command.Tag, "BAD", e.Message.Shorten(200));
        }
        catch (MailServerException e)
        {
            response.Tagged(command.Tag, "NO", e.Message);
        }
        catch (Exception e) when (e is not (OperationCanceledException or IOException or ObjectDisposedException or LineTooLongException or InvalidDataException))
        {
            // A fault of ours in one command ends that command, not the client's session.
            Services.Logger.LogError(e, "IMAP {Command} from {Remote} failed", command.Name, Remote);
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

    /// <summary>Sends what <paramref name="response"/> holds and empties it for more.</summary>
    public async Task WriteAsync(ImapResponse response, CancellationToken cancellationToken)
    {
        await _connection.WriteAsync(response.Bytes, cancellationToken);
        response.Clear();
    }

    /// <summary>Sends bytes as they are (a large literal straight from the stored message).</summary>
    public Task WriteBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        _connection.WriteAsync(bytes, cancellationToken);

    private async Task TryWriteAsync(ImapResponse response)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await WriteAsync(response, cts.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    /// <summary>A line the client sends inside a command (an AUTHENTICATE response, IDLE's DONE), or null
    /// when it closed the connection.</summary>
    public Task<byte[]?> ReadLineAsync(CancellationToken cancellationToken) =>
        _connection.Reader.ReadLineAsync(MaxLineBytes, cancellationToken);

    public Task StartTlsAsync(CancellationToken cancellationToken) =>
        _connection.StartTlsAsync(Services.Certificates.Current, cancellationToken);

    public bool IsCompressed => _connection.IsCompressed;

    public Task StartCompressionAsync() => _connection.StartCompressionAsync();

    /// <summary>Counts a malformed line a handler read itself towards the limit of bad commands.</summary>
    public void CountBadCommand() => _badCommands++;

    /// <summary>The authenticated state: changes to the mailbox from any door wake <see cref="WaitForChangeAsync"/>,
    /// and the session ends (a BYE, even in IDLE or mid-command) once the login's credential is revoked.</summary>
    public void LoggedIn(MailboxRecord user, CancellationToken revoked)
    {
        User = user;
        State = SessionState.Authenticated;
        _changeSubscription = Services.ChangeFeed.Subscribe(user.Id, OnMailboxChanged);
        _revocation = revoked.Register(() => _ending?.Cancel());
    }

    public void Select(SelectedFolder folder)
    {
        Selected = folder;
        State = SessionState.Selected;
    }

    public void Unselect()
    {
        Selected = null;
        State = SessionState.Authenticated;
    }

    public void LogOut() => State = SessionState.Logout;

    /// <summary>Completes once the mailbox changed since the last wait (several changes wake it once).</summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken) => _changed.WaitAsync(cancellationToken);

    private void OnMailboxChanged()
    {
        if (_changed.CurrentCount == 0)
        {
            try { _changed.Release(); } catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Keeps one session under Imap:MaxCommandsPerSecond by making it wait for the next second,
    /// so a runaway client cannot monopolise the server; well-behaved clients never notice.</summary>
    private async Task ThrottleAsync(CancellationToken cancellationToken)
    {
        var now = Services.Time.GetUtcNow();
        if (now - _windowStart >= TimeSpan.FromSeconds(1))
        {
            _windowStart = now;
            _commandsInWindow = 0;
        }
        if (++_commandsInWindow <= Services.Imap.Value.MaxCommandsPerSecond) return;
        await Task.Delay(_windowStart + TimeSpan.FromSeconds(1) - now, Services.Time, cancellationToken);
        _windowStart = Services.Time.GetUtcNow();
        _commandsInWindow = 1;
    }
}
