namespace OpenMailserver.Server.Imap.Connection;

/// <summary>What one command may hold: its text (every line together, literals not counted), each literal,
/// and all its literals together. The session picks them by state: small before login.</summary>
public sealed record CommandLimits(int MaxLineBytes, long MaxLiteralBytes, long MaxCommandLiteralBytes);
