using OpenMailserver.Server.Imap.Protocol;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>Which command runs in which state, and where each is implemented.</summary>
public sealed partial class ImapSession
{
    private static readonly SessionState[] Any = [SessionState.NotAuthenticated, SessionState.Authenticated, SessionState.Selected];
    private static readonly SessionState[] NotAuthenticated = [SessionState.NotAuthenticated];
    private static readonly SessionState[] Authenticated = [SessionState.Authenticated, SessionState.Selected];
    private static readonly SessionState[] Selected_ = [SessionState.Selected];

    private static readonly Dictionary<string, SessionState[]> States = new()
    {
        ["CAPABILITY"] = Any, ["NOOP"] = Any, ["LOGOUT"] = Any, ["ID"] = Any,
        ["STARTTLS"] = NotAuthenticated, ["LOGIN"] = NotAuthenticated, ["AUTHENTICATE"] = NotAuthenticated,
        ["SELECT"] = Authenticated, ["EXAMINE"] = Authenticated, ["CREATE"] = Authenticated, ["DELETE"] = Authenticated,
        ["RENAME"] = Authenticated, ["SUBSCRIBE"] = Authenticated, ["UNSUBSCRIBE"] = Authenticated, ["LIST"] = Authenticated,
        ["LSUB"] = Authenticated, ["STATUS"] = Authenticated, ["APPEND"] = Authenticated, ["NAMESPACE"] = Authenticated,
        ["ENABLE"] = Authenticated, ["IDLE"] = Authenticated,
        ["CHECK"] = Selected_, ["CLOSE"] = Selected_, ["UNSELECT"] = Selected_, ["EXPUNGE"] = Selected_, ["SEARCH"] = Selected_,
        ["FETCH"] = Selected_, ["STORE"] = Selected_, ["COPY"] = Selected_, ["MOVE"] = Selected_,
        ["UID FETCH"] = Selected_, ["UID STORE"] = Selected_, ["UID SEARCH"] = Selected_, ["UID COPY"] = Selected_,
        ["UID MOVE"] = Selected_, ["UID EXPUNGE"] = Selected_,
    };

    private static bool Known(string name) => States.ContainsKey(name);

    private bool Allowed(string name) => States.TryGetValue(name, out var states) && states.Contains(State);

    private string Capabilities()
    {
        var caps = new List<string> { "IMAP4rev1", "LITERAL+", "SASL-IR", "ID", "ENABLE", "IDLE", "NAMESPACE", "UIDPLUS", "MOVE", "UNSELECT", "CHILDREN", "SPECIAL-USE", "LIST-EXTENDED", "LIST-STATUS", "SEARCHRES" };
        if (State == SessionState.NotAuthenticated)
        {
            if (IsSecure) caps.Add("AUTH=PLAIN");
            else
            {
                caps.Add("STARTTLS");
                caps.Add("LOGINDISABLED");
            }
        }
        return string.Join(' ', caps);
    }

    private Task DispatchAsync(ImapCommand c, ImapResponse r, CancellationToken ct) => c.Name switch
    {
        "CAPABILITY" => CapabilityAsync(c, r),
        "NOOP" or "CHECK" => NoopAsync(c, r),
        "LOGOUT" => LogoutAsync(c, r),
        "ID" => IdAsync(c, r),
        "STARTTLS" => StartTlsCommandAsync(c, r, ct),
        "LOGIN" => LoginAsync(c, r, ct),
        "AUTHENTICATE" => AuthenticateAsync(c, r, ct),
        "NAMESPACE" => NamespaceAsync(c, r),
        "ENABLE" => EnableAsync(c, r),
        "SELECT" or "EXAMINE" => SelectAsync(c, r, readOnly: c.Name == "EXAMINE"),
        "CREATE" => CreateAsync(c, r),
        "DELETE" => DeleteAsync(c, r),
        "RENAME" => RenameAsync(c, r),
        "SUBSCRIBE" or "UNSUBSCRIBE" => SubscribeAsync(c, r, c.Name == "SUBSCRIBE"),
        "LIST" or "LSUB" => ListAsync(c, r),
        "STATUS" => StatusAsync(c, r),
        "APPEND" => AppendAsync(c, r, ct),
        "IDLE" => IdleAsync(c, r, ct),
        "CLOSE" or "UNSELECT" => CloseAsync(c, r, expunge: c.Name == "CLOSE"),
        "EXPUNGE" or "UID EXPUNGE" => ExpungeAsync(c, r, byUid: c.Name == "UID EXPUNGE"),
        "SEARCH" or "UID SEARCH" => SearchAsync(c, r, byUid: c.Name == "UID SEARCH", ct),
        "FETCH" or "UID FETCH" => FetchAsync(c, r, byUid: c.Name == "UID FETCH", ct),
        "STORE" or "UID STORE" => StoreAsync(c, r, byUid: c.Name == "UID STORE"),
        "COPY" or "UID COPY" => CopyAsync(c, r, byUid: c.Name == "UID COPY", move: false),
        "MOVE" or "UID MOVE" => CopyAsync(c, r, byUid: c.Name == "UID MOVE", move: true),
        _ => throw new ImapParseException($"Unknown command {c.Name}"),
    };
}
