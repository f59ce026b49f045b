namespace OpenMailserver.Server.Configuration;

public sealed class LimitsOptions
{
    public int MaxSendsPerHour { get; set; } = 100;
    public int MaxMessagesPerMailbox { get; set; } = 5000;
    public long MaxMessageBytes { get; set; } = 25 * 1024 * 1024;
    public int MaxRecipientsPerMessage { get; set; } = 100;
}
