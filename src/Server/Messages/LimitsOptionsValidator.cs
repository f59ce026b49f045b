using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Messages;

/// <summary>Limits: message size, quota, sends per hour and recipients, none of which may refuse everything.</summary>
public sealed class LimitsOptionsValidator : SectionValidator
{
    protected override void Check(OpenMailserverOptions o, List<string> errors)
    {
        if (o.Limits.MaxSendsPerHour < 1) errors.Add($"{P}Limits:MaxSendsPerHour must be at least 1.");
        if (o.Limits.MaxMessagesPerMailbox < 1) errors.Add($"{P}Limits:MaxMessagesPerMailbox must be at least 1.");
        if (o.Limits.MaxBytesPerMailbox < 1024) errors.Add($"{P}Limits:MaxBytesPerMailbox must be at least 1024.");
        if (o.Limits.MaxMessageBytes < 1024) errors.Add($"{P}Limits:MaxMessageBytes must be at least 1024.");
        if (o.Limits.MaxRecipientsPerMessage < 1) errors.Add($"{P}Limits:MaxRecipientsPerMessage must be at least 1.");
    }
}
