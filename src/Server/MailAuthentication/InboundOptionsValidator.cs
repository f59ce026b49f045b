using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.MailAuthentication;

/// <summary>Inbound: the MIME bounds of an arriving message and the budget of its SPF, DKIM and DMARC checks.</summary>
public sealed class InboundOptionsValidator : SectionValidator
{
    protected override void Check(OpenMailserverOptions o, List<string> errors)
    {
        if (o.Inbound.MaxMimeParts < 1 || o.Inbound.MaxMimeDepth < 1 || o.Inbound.MaxHeaders < 1)
            errors.Add($"{P}Inbound:MaxMimeParts, Inbound:MaxMimeDepth and Inbound:MaxHeaders must be at least 1.");
        if (o.Inbound.MaxDkimSignatures < 0) errors.Add($"{P}Inbound:MaxDkimSignatures must be 0 (none checked) or more.");
        if (o.Inbound.AuthenticationBudget < TimeSpan.FromSeconds(1))
            errors.Add($"{P}Inbound:AuthenticationBudget must be at least one second, e.g. 00:00:10.");
    }
}
