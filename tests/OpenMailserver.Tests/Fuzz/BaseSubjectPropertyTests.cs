extern alias ServerAssembly;
using System.Diagnostics;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Imap.Ordering;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>RFC 5256's base subject, which a sender controls: the RFC's cases, and for any mix of its tokens an
/// answer that is already a base subject, in time linear in the subject.</summary>
public sealed class BaseSubjectPropertyTests
{
    [Theory]
    [InlineData("Re: hello", "hello", true)]
    [InlineData("RE: Re: [list] Fwd: hello (fwd)", "hello", true)]
    [InlineData("[PATCH] Re: x", "x", true)]
    [InlineData("[PATCH] x", "x", false)]
    [InlineData("[PATCH]", "[PATCH]", false)]
    [InlineData("[a][b] x", "x", false)]
    [InlineData("[fwd: hello]", "hello", true)]
    [InlineData("[Fwd: Re: [fwd: deep] ]", "deep", true)]
    [InlineData("Re [blob]: x", "x", true)]
    [InlineData("fw:x", "x", true)]
    [InlineData("Reply: x", "Reply: x", false)]
    [InlineData("AW: x", "AW: x", false)]
    [InlineData("  hello \t\r\n world  ", "hello world", false)]
    [InlineData("Re:", "", true)]
    [InlineData("", "", false)]
    public void The_rfc_cases(string subject, string expected, bool replyOrForward)
    {
        Assert.Equal(expected, BaseSubject.Of(subject, out var reply));
        Assert.Equal(replyOrForward, reply);
    }

    [Fact]
    public void Any_mix_of_its_tokens_gives_a_base_subject_that_stays_as_it_is()
    {
        string[] tokens = ["Re", "re", "Fw", "FWD", ":", "[", "]", "[x]", " ", "\t", "(fwd)", "[fwd:", "a", "b"];
        Gen.Int[0, tokens.Length - 1].Array[0, 16].Select(picks => string.Concat(picks.Select(i => tokens[i])))
            .Sample(subject =>
            {
                var once = BaseSubject.Of(subject);
                return BaseSubject.Of(once) == once && !once.StartsWith(' ') && !once.EndsWith(' ');
            }, iter: 50_000);
    }

    [Fact]
    public void A_long_hostile_subject_costs_milliseconds()
    {
        foreach (var subject in new[] { string.Concat(Enumerable.Repeat("Re: [a] ", 20_000)), new string('[', 100_000), string.Concat(Enumerable.Repeat("[fwd: ", 10_000)) + new string(']', 10_000),
                     string.Concat(Enumerable.Repeat("[a]", 100_000)) + " x" })
        {
            var clock = Stopwatch.StartNew();
            BaseSubject.Of(subject);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{clock.Elapsed} for {subject[..20]}…");
        }
    }
}
