using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Imap;

/// <summary>Imap: session caps, timeouts and the bounds of what one command may make us hold.</summary>
public sealed class ImapOptionsValidator : SectionValidator
{
    protected override void Check(OpenMailserverOptions o, List<string> errors)
    {
        var imap = o.Imap;
        if (imap.MaxConcurrentSessions < 1) errors.Add($"{P}Imap:MaxConcurrentSessions must be at least 1.");
        if (imap.MaxSessionsPerAddress < 1 || imap.MaxSessionsPerMailbox < 1)
            errors.Add($"{P}Imap:MaxSessionsPerAddress and Imap:MaxSessionsPerMailbox must be at least 1.");
        if (imap.MaxCommandsPerSecond < 1) errors.Add($"{P}Imap:MaxCommandsPerSecond must be at least 1.");
        if (imap.LoginTimeout < TimeSpan.FromSeconds(10)) errors.Add($"{P}Imap:LoginTimeout must be at least ten seconds, e.g. 00:02:00.");
        if (imap.WriteTimeout < TimeSpan.FromSeconds(1)) errors.Add($"{P}Imap:WriteTimeout must be at least one second, e.g. 00:01:00.");
        if (imap.IdleTimeout < TimeSpan.FromMinutes(1)) errors.Add($"{P}Imap:IdleTimeout must be at least one minute (RFC 3501 asks for 30).");
        if (imap.MaxLineBytes is < 8192 or > 16 * 1024 * 1024)
            errors.Add($"{P}Imap:MaxLineBytes must be between 8192 (RFC 7162 §4 asks servers to take commands that long) and 16777216.");
        if (imap.MaxLiteralBytesBeforeLogin is < 256 or > 1024 * 1024)
            errors.Add($"{P}Imap:MaxLiteralBytesBeforeLogin must be between 256 and 1048576: before login a literal only carries a user name or password.");
        if (imap.MaxLiteralBytes < 1024) errors.Add($"{P}Imap:MaxLiteralBytes must be at least 1024.");
        if (imap.MaxCommandLiteralBytes > 1024L * 1024 * 1024) errors.Add($"{P}Imap:MaxCommandLiteralBytes must be at most 1073741824 (1 GiB).");
        if (imap.MaxCommandLiteralBytes < imap.MaxLiteralBytes)
            errors.Add($"{P}Imap:MaxCommandLiteralBytes must be at least Imap:MaxLiteralBytes ({imap.MaxLiteralBytes}), or an APPEND of the largest literal could not pass.");
        if (imap.MaxNestingDepth is < 8 or > 1000)
            errors.Add($"{P}Imap:MaxNestingDepth must be between 8 and 1000 (deeper risks the stack).");
        if (imap.MaxFetchItems is < 10 or > 10_000) errors.Add($"{P}Imap:MaxFetchItems must be between 10 and 10000.");
        if (imap.MaxAppendMessages is < 1 or > 10_000) errors.Add($"{P}Imap:MaxAppendMessages must be between 1 and 10000.");
    }
}
