namespace OpenMailserver.Server.Accounts;

/// <summary>A failure the caller can act on; the message is shown to them as it is.</summary>
public sealed class MailServerException(ErrorKind kind, string message) : Exception(message)
{
    public ErrorKind Kind { get; } = kind;
}
