namespace OpenMailserver.Tests.Infrastructure;

/// <summary>One in-process server shared by the API test classes, with small limits so that limit tests
/// need no huge payloads. Tests use their own mailboxes (<see cref="Provisioning.UniqueLocalPart"/>).</summary>
public sealed class SharedServer : ServerFactory
{
    public const long MaxMessageBytes = 256 * 1024;
    public const int MaxRecipients = 10;

    public SharedServer() : base(settings: new Dictionary<string, string?>
    {
        ["OpenMailserver:Limits:MaxMessageBytes"] = MaxMessageBytes.ToString(),
        ["OpenMailserver:Limits:MaxRecipientsPerMessage"] = MaxRecipients.ToString(),
    })
    {
    }
}

[CollectionDefinition(Name)]
public sealed class SharedServerCollection : ICollectionFixture<SharedServer>
{
    public const string Name = "shared server";
}
