using OpenMailserver.Server.Kernel;

namespace OpenMailserver.Server.Submission;

/// <summary>A message to build from parts, as the send, reply and forward APIs receive it.</summary>
public sealed record Composition(
    EmailAddress From, IReadOnlyList<EmailAddress> To, IReadOnlyList<EmailAddress> Cc, IReadOnlyList<EmailAddress> Bcc,
    string Subject, string? TextBody, string? HtmlBody)
{
    public IReadOnlyList<AttachmentContent> Attachments { get; init; } = [];
    public EmailAddress? ReplyTo { get; init; }
    /// <summary>The Message-ID answered (without angle brackets), and the ancestry for References.</summary>
    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>Everyone the message goes to, Bcc included, each once.</summary>
    public IReadOnlyList<EmailAddress> EnvelopeRecipients => To.Concat(Cc).Concat(Bcc).Distinct().ToList();
}
