namespace OpenMailserver.Server.MailAuthentication;

/// <summary>A record broke a rule of RFC 7208; the whole check is permerror.</summary>
public sealed class SpfPermanentError : Exception;
