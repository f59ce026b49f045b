extern alias ServerAssembly;
using System.Diagnostics;
using ServerAssembly::OpenMailserver.Server.Messages;

namespace OpenMailserver.Tests.Messages;

/// <summary>Reply extraction on a corpus of replies shaped like those real clients write (Gmail, Apple Mail,
/// Outlook, Thunderbird, Yahoo; a dozen languages): each case is NAME.input.txt (the text part) or
/// NAME.input.html (an HTML-only message) and the exact new text expected in NAME.expected.txt.</summary>
public sealed class ReplyExtractorTests
{
    private static readonly string Corpus = Path.Combine(AppContext.BaseDirectory, "Messages", "ReplyCorpus");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Corpus, "*.expected.txt").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file)[..^".expected.txt".Length]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Extracts_exactly_the_new_text(string name)
    {
        // The output ends lines with \n and has no final line break; the file may have either.
        var expected = File.ReadAllText(Path.Combine(Corpus, name + ".expected.txt")).ReplaceLineEndings("\n").TrimEnd('\n');
        var text = Path.Combine(Corpus, name + ".input.txt");
        var actual = File.Exists(text)
            ? ReplyExtractor.Extract(File.ReadAllText(text), null)
            : ReplyExtractor.Extract(null, File.ReadAllText(Path.Combine(Corpus, name + ".input.html")));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_corpus_is_there() => Assert.True(Directory.GetFiles(Corpus, "*.expected.txt").Length >= 25);

    [Fact]
    public void Empty_input_gives_empty_text()
    {
        Assert.Equal("", ReplyExtractor.Extract(null, null));
        Assert.Equal("", ReplyExtractor.Extract("", ""));
        Assert.Equal("", ReplyExtractor.Extract(" \r\n ", "  "));
        Assert.Equal("", ReplyExtractor.Extract("> only a quote\n> nothing new", null));
    }

    [Fact]
    public void Html_is_used_when_the_text_is_empty()
    {
        Assert.Equal("only html", ReplyExtractor.Extract("", "<p>only html</p><blockquote>quoted</blockquote>"));
        Assert.Equal("text wins", ReplyExtractor.Extract("text wins", "<p>html</p>"));
    }

    [Fact]
    public void Adversarial_input_finishes_quickly()
    {
        string[] texts =
        [
            new('>', 200_000),
            string.Concat(Enumerable.Repeat("On \n", 50_000)),
            string.Concat(Enumerable.Repeat("On 24 Nov 2026 Ann\n", 50_000)),
            "x\n" + string.Concat(Enumerable.Repeat("On " + new string('1', 900) + "\n", 2_000)),
            "On 1 " + new string('a', 1_000_000) + " wrote:",
            string.Concat(Enumerable.Repeat("From: a\nSent:\n", 50_000)),
            new string('\n', 50_000) + string.Concat(Enumerable.Repeat("> q\n\n", 50_000)),
            string.Concat(Enumerable.Repeat("__________\n", 50_000)) + new string('\n', 50_000),
            new string('-', 200_000),
        ];
        string[] htmls =
        [
            string.Concat(Enumerable.Repeat("<blockquote><div class=\"gmail_quote\">", 20_000)),
            string.Concat(Enumerable.Repeat("<hr><p> </p>", 50_000)),
        ];
        var clock = Stopwatch.StartNew();
        foreach (var text in texts) ReplyExtractor.Extract(text, null);
        foreach (var html in htmls) ReplyExtractor.Extract(null, html);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }
}
