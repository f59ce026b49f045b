namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>An IMAP sequence set (RFC 3501 §9 sequence-set): numbers, ranges and '*' for the largest
/// number in use. Ranges are unordered ("5:2" is "2:5"). '$' stands for the last search result (RFC 5182).
/// Only '*' means the largest: 4294967295 is a number like any other, which no message may have.</summary>
public sealed class SequenceSet
{
    // Numbers start at 1, so 0 is free to stand for '*'.
    private const uint Star = 0;

    private readonly List<(uint From, uint To)> _ranges;

    private SequenceSet(List<(uint, uint)> ranges, bool isSearchResult)
    {
        _ranges = ranges;
        IsSearchResult = isSearchResult;
    }

    public bool IsSearchResult { get; }

    public static SequenceSet Parse(string text)
    {
        if (text == "$") return new SequenceSet([], true);
        var ranges = new List<(uint, uint)>();
        foreach (var part in text.Split(','))
        {
            var bounds = part.Split(':');
            if (bounds.Length is < 1 or > 2) throw new ImapParseException($"Invalid sequence set \"{text}\"");
            var from = Number(bounds[0], text);
            var to = bounds.Length == 2 ? Number(bounds[1], text) : from;
            ranges.Add((from, to));
        }
        return new SequenceSet(ranges, false);
    }

    private static uint Number(string text, string set)
    {
        if (text == "*") return Star;
        if (text.Length == 0 || text.Length > 10 || !text.All(char.IsAsciiDigit) || !uint.TryParse(text, out var n) || n == 0)
            throw new ImapParseException($"Invalid sequence set \"{set}\": numbers run from 1 to 4294967295");
        return n;
    }

    /// <summary>Whether <paramref name="value"/> is in the set, with '*' meaning <paramref name="largest"/>.</summary>
    public bool Contains(uint value, uint largest)
    {
        foreach (var (from, to) in _ranges)
        {
            var low = from == Star ? largest : from;
            var high = to == Star ? largest : to;
            if (low > high) (low, high) = (high, low);
            if (value >= low && value <= high) return true;
        }
        return false;
    }

    public override string ToString() => IsSearchResult ? "$" : string.Join(',', _ranges.Select(r =>
        r.From == r.To ? Text(r.From) : $"{Text(r.From)}:{Text(r.To)}"));

    private static string Text(uint n) => n == Star ? "*" : n.ToString();

    /// <summary>The compact form of a list of numbers, e.g. 1:3,7 (for COPYUID and friends).</summary>
    public static string Format(IEnumerable<uint> numbers)
    {
        var sorted = numbers.Order().ToList();
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(i == j ? sorted[i].ToString() : $"{sorted[i]}:{sorted[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }
}
