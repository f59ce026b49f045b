extern alias ServerAssembly;
using System.Buffers;
using System.Text;
using ServerAssembly::OpenMailserver.Server.MailAuthentication;

namespace OpenMailserver.Tests.MailAuthentication;

public sealed class ForgedResultsTests
{
    private static string Remove(string message) =>
        Encoding.Latin1.GetString(ForgedResults.Remove(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(message)), "mx.x.test").ToArray());

    [Theory]
    [InlineData("Authentication-Results: mx.x.test; dkim=pass\r\n")]
    [InlineData("Authentication-Results: (trust me) mx.x.test; dkim=pass\r\n")]
    [InlineData("Authentication-Results: \"mx.x.test\"; dkim=pass\r\n")]
    [InlineData("authentication-results : MX.X.TEST;\r\n\tdkim=pass header.d=bank.test\r\n")]
    public void Removes_results_in_our_name_however_spelled(string forged) =>
        Assert.Equal("From: a@b.test\r\nSubject: s\r\n\r\nbody\r\n", Remove("From: a@b.test\r\n" + forged + "Subject: s\r\n\r\nbody\r\n"));

    [Fact]
    public void Works_on_bare_lf_messages_and_never_touches_the_body()
    {
        const string body = "Authentication-Results: mx.x.test; in the body is just text\n";
        Assert.Equal("From: a@b.test\n\n" + body, Remove("From: a@b.test\nAuthentication-Results: mx.x.test; dkim=pass\n\n" + body));
        Assert.Equal("\r\n" + body, Remove("\r\n" + body)); // no header at all
    }

    [Fact]
    public void Keeps_other_servers_results_byte_for_byte()
    {
        const string message = "Authentication-Results: mx.other.test; spf=pass\r\nX-8bit: \u00e9\r\n\r\nx";
        Assert.Equal(message, Remove(message));
    }
}
