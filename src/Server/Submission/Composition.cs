using OpenMailserver.Server.Accounts;

namespace OpenMailserver.Server.Submission;

/// <summary>A message to build from parts, as the send API receives it.</summary>
public sealed record Composition(
    EmailAddress From, IReadOnlyList<EmailAddress> To, IReadOnlyList<EmailAddress> Cc, IReadOnlyList<EmailAddress> Bcc,
    string Subject, string? TextBody, string? HtmlBody)
{
    /// <summary>Everyone the message goes to, Bcc included, each once.</summary>
    public IReadOnlyList<EmailAddress> EnvelopeRecipients => To.Concat(Cc).Concat(Bcc).Distinct().ToList();
}
