extern alias ServerAssembly;
using ServerAssembly::OpenMailserver.Server.Messages;

namespace OpenMailserver.Tests.Messages;

public sealed class HtmlTextTests
{
    [Theory]
    [InlineData("<p>Hello</p><p>World</p>", "Hello\nWorld")]
    [InlineData("Line one<br>Line two", "Line one\nLine two")]
    [InlineData("<ul><li>a</li><li>b</li></ul>", "a\nb")]
    [InlineData("<style>.x{}</style><script>var a = '<p>';</script>Visible", "Visible")]
    [InlineData("Tom &amp; Jerry &lt;3 &eacute;", "Tom & Jerry <3 é")]
    [InlineData("  lots   of\n\n spaces  ", "lots of spaces")]
    [InlineData("", "")]
    [InlineData("<div><unclosed <b>bold", "bold")]
    public void Converts_html_to_readable_text(string html, string expected)
    {
        Assert.Equal(expected, HtmlText.Convert(html));
    }
}
