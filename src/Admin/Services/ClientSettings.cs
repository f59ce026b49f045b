namespace OpenMailserver.Admin.Services;

/// <summary>What a mail client needs besides the password, shown next to a new mailbox's credentials.</summary>
public sealed record ClientSettings(string Hostname, int ImapTlsPort, int SubmissionTlsPort, int SubmissionPort);
