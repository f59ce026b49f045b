extern alias ServerAssembly;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Imap.Protocol;
using static OpenMailserver.Tests.Fuzz.ImapParsing;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>Sequence sets: a generated set contains exactly what its ranges say (with '*' as the largest
/// number in use and 4294967295 as itself), round-trips through its text, and hostile text is a parse error.</summary>
public sealed class SequenceSetPropertyTests
{
    private static readonly Gen<uint> Number = Gen.Frequency<uint>((4, Gen.UInt[1, 50]), (1, Gen.UInt[1, uint.MaxValue]), (1, Gen.Const(uint.MaxValue)));

    /// <summary>A bound: a number, or null for '*'.</summary>
    private static readonly Gen<uint?> Bound = Gen.Frequency<uint?>((5, Number.Select(n => (uint?)n)), (1, Gen.Const((uint?)null)));

    private static readonly Gen<(uint? From, uint? To)[]> Ranges = Gen.Select(Bound, Bound, Gen.Bool, (a, b, single) => (a, single ? a : b)).Array[1, 8];

    private static string Text(uint? n) => n?.ToString() ?? "*";

    [Fact]
    public void Membership_follows_the_ranges_and_the_text_round_trips()
    {
        Gen.Select(Ranges, Gen.UInt[0, 60], Number).Sample((ranges, largest, value) =>
        {
            var text = string.Join(',', ranges.Select(r => r.From == r.To ? Text(r.From) : $"{Text(r.From)}:{Text(r.To)}"));
            var set = SequenceSet.Parse(text);
            Assert.Equal(text, set.ToString());
            var expected = ranges.Any(r =>
            {
                var low = r.From ?? largest;
                var high = r.To ?? largest;
                return value >= Math.Min(low, high) && value <= Math.Max(low, high);
            });
            Assert.Equal(expected, set.Contains(value, largest));
        }, iter: 5000);
    }

    [Fact]
    public void Hostile_sets_are_parse_errors_only()
    {
        Hostile("1:*", "*:4294967295", "0").Sample(text => OnlyParseErrors(() => SequenceSet.Parse(text)), iter: 3000);
        Gen.String.Sample(text => OnlyParseErrors(() => Reader(text).SequenceSet()), iter: 3000);
    }

    [Theory]
    // Regression: 4294967295 was taken for '*', so UID <uidnext>:4294967295 matched the last message.
    [InlineData("11:4294967295", 10u, 10u, false)]
    [InlineData("4294967295", 10u, 10u, false)]
    [InlineData("11:*", 10u, 10u, true)]
    [InlineData("4294967295", 4294967295u, 10u, true)]
    public void Only_star_is_the_largest(string text, uint value, uint largest, bool expected)
    {
        Assert.Equal(expected, SequenceSet.Parse(text).Contains(value, largest));
    }
}
