extern alias ServerAssembly;
using ServerAssembly::OpenMailserver.Server.Configuration;
using ServerAssembly::OpenMailserver.Server.Hosting;

namespace OpenMailserver.Tests.Hosting;

/// <summary>IMAP resource limits out of range stop the server at start with a sentence naming the key.</summary>
public sealed class ImapOptionsValidationTests
{
    private static OpenMailserverOptions Valid() => new() { DataDirectory = "/tmp/x", BindAddress = "127.0.0.1", Domain = "example.test" };

    [Theory]
    [InlineData("MaxLineBytes", "Imap:MaxLineBytes must be between 8192")]
    [InlineData("MaxLiteralBytesBeforeLogin", "Imap:MaxLiteralBytesBeforeLogin must be between 256 and 1048576")]
    [InlineData("MaxLiteralBytes", "Imap:MaxLiteralBytes must be at least 1024")]
    [InlineData("MaxCommandLiteralBytes", "Imap:MaxCommandLiteralBytes must be at least Imap:MaxLiteralBytes (26214400)")]
    [InlineData("MaxNestingDepth", "Imap:MaxNestingDepth must be between 8 and 1000")]
    [InlineData("MaxFetchItems", "Imap:MaxFetchItems must be between 10 and 10000")]
    public void Names_the_bad_key(string setting, string expected)
    {
        var options = Valid();
        var imap = options.Imap;
        switch (setting)
        {
            case "MaxLineBytes": imap.MaxLineBytes = 1000; break;
            case "MaxLiteralBytesBeforeLogin": imap.MaxLiteralBytesBeforeLogin = 100 * 1024 * 1024; break;
            case "MaxLiteralBytes": imap.MaxLiteralBytes = 0; break;
            case "MaxCommandLiteralBytes": imap.MaxCommandLiteralBytes = 1024; break;
            case "MaxNestingDepth": imap.MaxNestingDepth = 100_000; break;
            case "MaxFetchItems": imap.MaxFetchItems = 0; break;
        }
        var result = ConfigurationCheck.Validate(options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(expected));
    }

    [Fact]
    public void The_defaults_pass()
    {
        Assert.True(ConfigurationCheck.Validate(Valid()).Succeeded);
    }
}
