namespace OpenMailserver.Server.Configuration;

public sealed class LimitsOptions
{
    public int MaxSendsPerHour { get; set; } = 100;
    public int MaxMessagesPerMailbox { get; set; } = 5000;
    /// <summary>The default storage quota of a new mailbox: the sum of its messages' sizes.</summary>
    public long MaxBytesPerMailbox { get; set; } = 10L * 1024 * 1024 * 1024;
    public long MaxMessageBytes { get; set; } = 25 * 1024 * 1024;
    public int MaxRecipientsPerMessage { get; set; } = 100;
}
