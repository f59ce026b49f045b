extern alias ServerAssembly;
using ServerAssembly::OpenMailserver.Server.Kernel;

namespace OpenMailserver.Tests.Accounts;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("agent@example.com", "agent@example.com")]
    [InlineData("Agent.Smith@Example.COM", "agent.smith@example.com")]
    [InlineData("<a+tag@example.com>", "a+tag@example.com")]
    [InlineData("a@example.com.", "a@example.com")]
    [InlineData("o'brien@bücher.example", "o'brien@xn--bcher-kva.example")]
    [InlineData("x@localhost", "x@localhost")]
    public void Valid_addresses_are_normalised(string input, string expected)
    {
        Assert.True(EmailAddress.TryParse(input, out var address));
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("a@")]
    [InlineData("@b.com")]
    [InlineData("a..b@example.com")]
    [InlineData(".a@example.com")]
    [InlineData("a.@example.com")]
    [InlineData("\"a b\"@example.com")]
    [InlineData("a@b@example.com")]
    [InlineData("a%b@example.com@relay.test")]
    [InlineData("@relay.test:a@example.com")]
    [InlineData("a@[192.168.0.1]")]
    [InlineData("a@127.0.0.1")]
    [InlineData("a@-x.com")]
    [InlineData("a@x_y.com")]
    [InlineData("a\r\n@example.com")]
    public void Invalid_addresses_are_refused(string input)
    {
        Assert.False(EmailAddress.TryParse(input, out _));
    }

    [Fact]
    public void Length_limits_of_rfc_5321_hold()
    {
        Assert.True(EmailAddress.TryParse(new string('a', 64) + "@example.com", out _));
        Assert.False(EmailAddress.TryParse(new string('a', 65) + "@example.com", out _));
        Assert.False(EmailAddress.TryParse("a@" + new string('b', 64) + ".com", out _));
        var longDomain = string.Join('.', Enumerable.Repeat(new string('d', 60), 5)) + ".com";
        Assert.False(EmailAddress.TryParse("a@" + longDomain, out _));
    }
}
