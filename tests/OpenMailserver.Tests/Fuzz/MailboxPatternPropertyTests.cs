extern alias ServerAssembly;
using System.Diagnostics;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Imap.Protocol;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>LIST patterns: the linear matcher agrees with the plain recursive definition of '*' and '%' on
/// every small pattern and name, and a hostile pattern against a long name costs microseconds, not seconds.</summary>
public sealed class MailboxPatternPropertyTests
{
    /// <summary>RFC 3501 §6.3.8 read literally: '*' takes any run of characters, '%' any run without the
    /// delimiter. Exponential, so only for small inputs.</summary>
    private static bool Reference(string pattern, string name)
    {
        if (pattern.Length == 0) return name.Length == 0;
        var p = pattern[0];
        if (p is '*' or '%')
        {
            for (var take = 0; take <= name.Length; take++)
            {
                if (p == '%' && take > 0 && name[take - 1] == '/') break;
                if (Reference(pattern[1..], name[take..])) return true;
            }
            return false;
        }
        return name.Length > 0 && name[0] == p && Reference(pattern[1..], name[1..]);
    }

    [Fact]
    public void Agrees_with_the_definition_on_small_inputs()
    {
        var pattern = Gen.Char["ab/*%"].Array[0, 8].Select(a => new string(a));
        var name = Gen.Char["ab/"].Array[0, 8].Select(a => new string(a));
        Gen.Select(pattern, name, (p, n) => (p, n))
            .Sample(t => Reference(t.p, t.n) == new MailboxPattern(t.p, '/').Matches(t.n), iter: 50_000);
    }

    [Fact]
    public void Matching_ignores_case_only_when_asked()
    {
        Assert.True(new MailboxPattern("inbox", '/').Matches("INBOX", ignoreCase: true));
        Assert.False(new MailboxPattern("inbox", '/').Matches("INBOX"));
        Assert.True(new MailboxPattern("%", '/').Matches("INBOX"));
        Assert.False(new MailboxPattern("%", '/').Matches("a/b"));
        Assert.True(new MailboxPattern("a/%", '/').Matches("a/b"));
    }

    [Fact]
    public void A_hostile_pattern_against_a_long_name_is_fast()
    {
        var name = new string('a', 255);
        var pattern = string.Concat(Enumerable.Repeat("*a", 2000)) + "X";
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 100; i++) Assert.False(new MailboxPattern(pattern, '/').Matches(name));
        var hostile = string.Concat(Enumerable.Repeat("%*a", 120)) + "%X";
        for (var i = 0; i < 100; i++) Assert.False(new MailboxPattern(hostile, '/').Matches(name));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }
}
