using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>CHECK (RFC 3501 §6.4.1, selected state only): every write is durable before its reply, so there is
/// no checkpoint to make; it reports what NOOP reports.</summary>
public sealed class CheckHandler : ICommandHandler
{
    private static readonly NoopHandler Noop = new();

    public IReadOnlyList<string> Names => ["CHECK"];
    public IReadOnlyList<SessionState> States => AllowedIn.Selected;

    public Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct) => Noop.ExecuteAsync(session, c, r, ct);
}
