namespace OpenMailserver.Server.Imap.Session;

/// <summary>The states of RFC 3501 §3.</summary>
public enum SessionState { NotAuthenticated, Authenticated, Selected, Logout }
