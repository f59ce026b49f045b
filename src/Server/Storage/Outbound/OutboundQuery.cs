namespace OpenMailserver.Server.Storage;

/// <summary>A listing of outbound messages, newest first. Null filters do not filter; times are Unix
/// milliseconds; <see cref="AfterId"/> is the last message of the previous page.</summary>
public sealed record OutboundQuery(long? MailboxId, int Limit)
{
    public string? State { get; init; }
    public string? Sender { get; init; }
    public string? Recipient { get; init; }
    public string? Subject { get; init; }
    public long? Since { get; init; }
    public long? Before { get; init; }
    public long? AfterId { get; init; }
}
