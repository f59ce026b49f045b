extern alias ServerAssembly;
using ServerAssembly::OpenMailserver.Server.Configuration;
using ServerAssembly::OpenMailserver.Server.Hosting;

namespace OpenMailserver.Tests.Hosting;

/// <summary>Connection limits below one would refuse everyone: the server does not start, and says which key.</summary>
public sealed class ConnectionLimitOptionsValidationTests
{
    private static OpenMailserverOptions Valid() => new() { DataDirectory = "/tmp/x", BindAddress = "127.0.0.1", Domain = "example.test" };

    [Theory]
    [InlineData("Smtp:MaxConcurrentSubmissionSessions", "Smtp:MaxConcurrentSubmissionSessions must be at least 1.")]
    [InlineData("Smtp:MaxSessionsPerAddress", "Smtp:MaxSessionsPerAddress and Smtp:MaxSubmissionSessionsPerAddress must be at least 1.")]
    [InlineData("Smtp:MaxSubmissionSessionsPerAddress", "Smtp:MaxSessionsPerAddress and Smtp:MaxSubmissionSessionsPerAddress must be at least 1.")]
    [InlineData("Imap:MaxSessionsPerAddress", "Imap:MaxSessionsPerAddress and Imap:MaxSessionsPerMailbox must be at least 1.")]
    [InlineData("Imap:MaxSessionsPerMailbox", "Imap:MaxSessionsPerAddress and Imap:MaxSessionsPerMailbox must be at least 1.")]
    public void Names_the_bad_key(string setting, string expected)
    {
        var options = Valid();
        switch (setting)
        {
            case "Smtp:MaxConcurrentSubmissionSessions": options.Smtp.MaxConcurrentSubmissionSessions = 0; break;
            case "Smtp:MaxSessionsPerAddress": options.Smtp.MaxSessionsPerAddress = 0; break;
            case "Smtp:MaxSubmissionSessionsPerAddress": options.Smtp.MaxSubmissionSessionsPerAddress = -1; break;
            case "Imap:MaxSessionsPerAddress": options.Imap.MaxSessionsPerAddress = 0; break;
            case "Imap:MaxSessionsPerMailbox": options.Imap.MaxSessionsPerMailbox = 0; break;
        }
        var result = ConfigurationCheck.Validate(options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f == $"{OpenMailserverOptions.Section}:{expected}");
    }

    [Fact]
    public void The_defaults_pass()
    {
        var options = Valid();
        Assert.Equal((100, 10, 100, 10), (options.Smtp.MaxConcurrentSessions, options.Smtp.MaxSessionsPerAddress,
            options.Smtp.MaxConcurrentSubmissionSessions, options.Smtp.MaxSubmissionSessionsPerAddress));
        Assert.Equal((20, 20), (options.Imap.MaxSessionsPerAddress, options.Imap.MaxSessionsPerMailbox));
        Assert.True(ConfigurationCheck.Validate(options).Succeeded);
    }
}
