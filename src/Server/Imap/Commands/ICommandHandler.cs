using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>What one command (or a small family of them) does: it takes its arguments from
/// <see cref="CommandParser"/>, acts on the session's state and the store, and adds its reply to
/// <c>response</c>, which the session sends (a long reply is sent as it grows).</summary>
public interface ICommandHandler
{
    /// <summary>The command names it handles ("UID FETCH" for the UID form).</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>The states it may run in (RFC 3501 §3); in any other it is answered BAD.</summary>
    IReadOnlyList<SessionState> States { get; }

    Task ExecuteAsync(ImapSession session, ImapCommand command, ImapResponse response, CancellationToken cancellationToken);
}

/// <summary>The sets of states commands run in.</summary>
public static class AllowedIn
{
    public static readonly SessionState[] Any = [SessionState.NotAuthenticated, SessionState.Authenticated, SessionState.Selected];
    public static readonly SessionState[] NotAuthenticated = [SessionState.NotAuthenticated];
    public static readonly SessionState[] Authenticated = [SessionState.Authenticated, SessionState.Selected];
    public static readonly SessionState[] Selected = [SessionState.Selected];
}
