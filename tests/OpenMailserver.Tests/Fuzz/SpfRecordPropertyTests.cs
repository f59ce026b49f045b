extern alias ServerAssembly;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.MailAuthentication;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>SPF records come from anyone's DNS: whatever a record holds, parsing it gives terms or
/// <see cref="SpfPermanentError"/>, and the well-formed ones parse to what they say.</summary>
public sealed class SpfRecordPropertyTests
{
    private static readonly Gen<string> Term = Gen.OneOf<string>(
        Gen.OneOf("all", "-all", "~all", "?all", "+all", "a", "mx", "ptr", "include:x.test", "exists:%{i}.x.test", "a:x.test/24", "mx//64",
            "a/33", "ip4:10.0.0.0/8", "ip4:10", "ip4:1.2.3.4/", "ip6:2001:db8::/32", "ip6:1.2.3.4", "redirect=x.test", "redirect=%{d}", "exp=x",
            "all:x", "include", "bogus", "=", ":", "/", "//", "-", "a:/", "a:x.test//", "ip4:/", "mx:.", "v=spf1"),
        Gen.String[Gen.Char["-+~?:/=%.{}ax09 "], 0, 20],
        Gen.String[0, 20]);

    private static readonly Gen<string> Record = Term.List[0, 12].Select(terms => "v=spf1 " + string.Join(' ', terms));

    [Fact]
    public void Random_records_parse_or_are_a_permanent_error()
    {
        Record.Sample(record =>
        {
            try
            {
                var parsed = SpfRecord.Parse(record, "example.test");
                Assert.All(parsed.Mechanisms, m => Assert.Contains(m.Qualifier, "+-~?"));
            }
            catch (SpfPermanentError)
            {
            }
        }, iter: 20_000, threads: 1);
    }

    [Fact]
    public void Well_formed_records_parse_to_their_terms()
    {
        var gen = Gen.Select(Gen.OneOf('+', '-', '~', '?'), Gen.Int[0, 255], Gen.Int[0, 32], Gen.Bool);
        gen.Sample((qualifier, octet, prefix, redirect) =>
        {
            var record = SpfRecord.Parse($"v=spf1 a {qualifier}ip4:192.0.2.{octet}/{prefix} include:_spf.x.test" + (redirect ? " redirect=y.test" : ""), "example.test");
            Assert.Equal(["a", "ip4", "include"], record.Mechanisms.Select(m => m.Mechanism.Name));
            Assert.Equal(qualifier, record.Mechanisms[1].Qualifier);
            Assert.Equal(prefix, record.Mechanisms[1].Mechanism.Prefix4);
            Assert.Equal("example.test", record.Mechanisms[0].Mechanism.Target);
            Assert.Equal(redirect ? "y.test" : null, record.Redirect);
        }, iter: 2_000, threads: 1);
    }

    [Fact]
    public void A_record_of_more_terms_than_the_limit_is_a_permanent_error()
    {
        Assert.Throws<SpfPermanentError>(() => SpfRecord.Parse("v=spf1 " + string.Join(' ', Enumerable.Repeat("a", SpfRecord.MaxTerms + 1)), "x.test"));
        Assert.Equal(SpfRecord.MaxTerms, SpfRecord.Parse("v=spf1 " + string.Join(' ', Enumerable.Repeat("a", SpfRecord.MaxTerms)), "x.test").Mechanisms.Count);
    }
}
