namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>A remote server's reply went past a bound of <see cref="SessionGuard"/>. An I/O error, as MailKit's
/// protocol logger contract allows: the read fails and the session is over.</summary>
public sealed class SessionLimitException(string message) : IOException(message);
