using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Smtp;

/// <summary>Smtp: session caps and timeouts (its ports are checked with every listener's by the server's validator).</summary>
public sealed class SmtpOptionsValidator : SectionValidator
{
    protected override void Check(OpenMailserverOptions o, List<string> errors)
    {
        var smtp = o.Smtp;
        if (smtp.MaxConcurrentSessions < 1) errors.Add($"{P}Smtp:MaxConcurrentSessions must be at least 1.");
        if (smtp.MaxConcurrentSubmissionSessions < 1) errors.Add($"{P}Smtp:MaxConcurrentSubmissionSessions must be at least 1.");
        if (smtp.MaxSessionsPerAddress < 1 || smtp.MaxSubmissionSessionsPerAddress < 1)
            errors.Add($"{P}Smtp:MaxSessionsPerAddress and Smtp:MaxSubmissionSessionsPerAddress must be at least 1.");
        if (smtp.MaxSubmissionSessionsPerMailbox < 1) errors.Add($"{P}Smtp:MaxSubmissionSessionsPerMailbox must be at least 1.");
        if (smtp.CommandTimeout < TimeSpan.FromSeconds(1)) errors.Add($"{P}Smtp:CommandTimeout must be at least one second, e.g. 00:05:00.");
        if (smtp.StalledTransactionTime < TimeSpan.FromSeconds(1))
            errors.Add($"{P}Smtp:StalledTransactionTime must be at least one second, e.g. 00:00:10.");
    }
}
