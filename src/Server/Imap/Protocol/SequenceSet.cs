namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>An IMAP sequence set (RFC 3501 §9 sequence-set): numbers, ranges and '*' for the largest
/// number in use. Ranges are unordered ("5:2" is "2:5"). '$' stands for the last search result (RFC 5182).
/// Only '*' means the largest: 4294967295 is a number like any other, which no message may have.</summary>
public sealed class SequenceSet
{
    // Numbers start at 1, so 0 is free to stand for '*'.
    private const uint Star = 0;

    private readonly string _text;

    // The ranges without '*', sorted and merged, so that a membership test is a binary search however many
    // ranges a client wrote ("1,1,1,…" costs once, not once per message).
    private readonly (uint Low, uint High)[] _fixed;

    // Every range with '*' holds the largest number, so together they are one range from the smallest to the
    // largest of their other ends, the largest number included: only those two ends need keeping.
    private readonly uint? _starLow;
    private readonly uint? _starHigh;

    private SequenceSet(string text, (uint, uint)[] fixedRanges, uint? starLow, uint? starHigh, bool isSearchResult)
    {
        _text = text;
        _fixed = fixedRanges;
        _starLow = starLow;
        _starHigh = starHigh;
        IsSearchResult = isSearchResult;
    }

    public bool IsSearchResult { get; }

    public static SequenceSet Parse(string text)
    {
        if (text == "$") return new SequenceSet(text, [], null, null, true);
        var ranges = new List<(uint Low, uint High)>();
        uint? starLow = null, starHigh = null;
        foreach (var part in text.Split(','))
        {
            var bounds = part.Split(':');
            if (bounds.Length is < 1 or > 2) throw new ImapParseException($"Invalid sequence set \"{text}\"");
            var from = Number(bounds[0], text);
            var to = bounds.Length == 2 ? Number(bounds[1], text) : from;
            if (from == Star || to == Star)
            {
                // n:* (or *:n, or * alone, where the other end is the largest itself).
                var other = from == Star ? to : from;
                if (other != Star)
                {
                    starLow = Math.Min(starLow ?? other, other);
                    starHigh = Math.Max(starHigh ?? other, other);
                }
                ranges.Add((Star, Star));
                continue;
            }
            ranges.Add(from <= to ? (from, to) : (to, from));
        }
        var hasStar = ranges.Any(r => r.Low == Star);
        return new SequenceSet(text, Merge(ranges.Where(r => r.Low != Star)), hasStar ? starLow ?? Star : null, hasStar ? starHigh ?? Star : null, false);
    }

    private static (uint, uint)[] Merge(IEnumerable<(uint Low, uint High)> ranges)
    {
        var merged = new List<(uint Low, uint High)>();
        foreach (var (low, high) in ranges.OrderBy(r => r.Low))
        {
            if (merged.Count > 0 && low <= (ulong)merged[^1].High + 1)
                merged[^1] = (merged[^1].Low, Math.Max(merged[^1].High, high));
            else merged.Add((low, high));
        }
        return [.. merged];
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
        if (_starLow is { } starLow)
        {
            // Star (0) for an end means '*' alone: the range is the largest number only.
            var low = starLow == Star ? largest : Math.Min(starLow, largest);
            var high = _starHigh == Star ? largest : Math.Max(_starHigh!.Value, largest);
            if (value >= low && value <= high) return true;
        }
        int first = 0, last = _fixed.Length - 1;
        while (first <= last)
        {
            var middle = first + (last - first) / 2;
            if (value < _fixed[middle].Low) last = middle - 1;
            else if (value > _fixed[middle].High) first = middle + 1;
            else return true;
        }
        return false;
    }

    /// <summary>The set as ascending, disjoint ranges, '*' meaning <paramref name="largest"/>: what resolving it
    /// against a folder walks, so the cost is the ranges and the messages they name, not the folder.</summary>
    public IReadOnlyList<(uint Low, uint High)> Ranges(uint largest)
    {
        if (_starLow is not { } starLow) return _fixed;
        var low = starLow == Star ? largest : Math.Min(starLow, largest);
        var high = _starHigh == Star ? largest : Math.Max(_starHigh!.Value, largest);
        return Merge(_fixed.Append((low, high)));
    }

    public override string ToString() => _text;

    /// <summary>The compact form of a list of numbers, e.g. 1:3,7 (for COPYUID and friends).</summary>
    public static string Format(IEnumerable<uint> numbers) =>
        string.Join(',', RangesOf(numbers.Order()).Select(r => r.Low == r.High ? r.Low.ToString() : $"{r.Low}:{r.High}"));

    /// <summary>Ascending numbers as the ranges they make (repeats joined), one at a time, so a long list is
    /// never held as text.</summary>
    public static IEnumerable<(uint Low, uint High)> RangesOf(IEnumerable<uint> ascending)
    {
        (uint Low, uint High)? range = null;
        foreach (var number in ascending)
        {
            if (range is { } r && number <= (ulong)r.High + 1)
            {
                range = (r.Low, Math.Max(r.High, number));
                continue;
            }
            if (range is not null) yield return range.Value;
            range = (number, number);
        }
        if (range is not null) yield return range.Value;
    }
}
