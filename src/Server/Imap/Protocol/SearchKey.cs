using MimeKit;

namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>What SEARCH evaluates each key against: the message's index data, and its content when a
/// key needs it (loaded once, only then).</summary>
public interface ISearchTarget
{
    uint Sequence { get; }
    uint Uid { get; }
    uint LargestSequence { get; }
    uint LargestUid { get; }
    IReadOnlySet<string> Flags { get; }
    long Size { get; }
    long ModSeq { get; }
    DateTimeOffset InternalDate { get; }
    /// <summary>The header block alone (cheap: the body is not read).</summary>
    HeaderList Headers { get; }
    /// <summary>The whole parsed message.</summary>
    MimeMessage Content { get; }
    IReadOnlySet<uint> LastSearchResult { get; }
    /// <summary>The decoded Subject, From, To or Cc kept in the message index, or null when the index was
    /// not loaded (then the header block is read).</summary>
    string? IndexedHeader(string field);
}

/// <summary>A SEARCH key (RFC 3501 §6.4.4) and how it matches.</summary>
public abstract record SearchKey
{
    public abstract bool Matches(ISearchTarget t);

    /// <summary>Whether matching reads the message content (headers or body).</summary>
    public virtual bool NeedsContent => false;

    /// <summary>Whether matching can use the header values kept in the message index.</summary>
    public virtual bool UsesIndexedHeaders => false;

    public sealed record All : SearchKey
    {
        public override bool Matches(ISearchTarget t) => true;
    }

    public sealed record HasFlag(string Flag, bool Set) : SearchKey
    {
        public override bool Matches(ISearchTarget t) => t.Flags.Contains(Flag) == Set;
    }

    public sealed record Sequence(SequenceSet Set, bool ByUid) : SearchKey
    {
        public override bool Matches(ISearchTarget t) => Set.IsSearchResult
            ? t.LastSearchResult.Contains(t.Uid)
            : ByUid ? Set.Contains(t.Uid, t.LargestUid) : Set.Contains(t.Sequence, t.LargestSequence);
    }

    public sealed record Not(SearchKey Key) : SearchKey
    {
        public override bool Matches(ISearchTarget t) => !Key.Matches(t);
        public override bool NeedsContent { get; } = Key.NeedsContent;
        public override bool UsesIndexedHeaders { get; } = Key.UsesIndexedHeaders;
    }

    public sealed record Or(SearchKey Left, SearchKey Right) : SearchKey
    {
        public override bool Matches(ISearchTarget t) => Left.Matches(t) || Right.Matches(t);
        public override bool NeedsContent { get; } = Left.NeedsContent || Right.NeedsContent;
        public override bool UsesIndexedHeaders { get; } = Left.UsesIndexedHeaders || Right.UsesIndexedHeaders;
    }

    public sealed record And(IReadOnlyList<SearchKey> Keys) : SearchKey
    {
        // Cheap keys first, so content is loaded only for messages that pass them; ordered once, not per message.
        private readonly SearchKey[] _cheapFirst = [.. Keys.OrderBy(k => k.NeedsContent)];

        public override bool Matches(ISearchTarget t) => _cheapFirst.All(k => k.Matches(t));
        public override bool NeedsContent { get; } = Keys.Any(k => k.NeedsContent);
        public override bool UsesIndexedHeaders { get; } = Keys.Any(k => k.UsesIndexedHeaders);
    }

    /// <summary>Changed at or after a modseq (RFC 7162 §3.1.5).</summary>
    public sealed record ModSeq(long Value) : SearchKey
    {
        public override bool Matches(ISearchTarget t) => t.ModSeq >= Value;
    }

    public sealed record Size(bool Larger, long Octets) : SearchKey
    {
        public override bool Matches(ISearchTarget t) => Larger ? t.Size > Octets : t.Size < Octets;
    }

    public enum DateRelation { Before, On, Since }

    /// <summary>BEFORE/ON/SINCE compare the internal date, SENT* the Date header; both by calendar day only.</summary>
    public sealed record Date(DateRelation Relation, DateOnly Day, bool Sent) : SearchKey
    {
        public override bool NeedsContent => Sent;

        public override bool Matches(ISearchTarget t)
        {
            DateOnly day;
            if (Sent)
            {
                if (t.Headers[HeaderId.Date] is not { } value || !MimeKit.Utils.DateUtils.TryParse(value, out var sent)) return false;
                day = DateOnly.FromDateTime(sent.DateTime);
            }
            else day = DateOnly.FromDateTime(t.InternalDate.UtcDateTime);
            return Relation switch
            {
                DateRelation.Before => day < Day,
                DateRelation.On => day == Day,
                _ => day >= Day,
            };
        }
    }

    /// <summary>HEADER field string (and FROM, TO, CC, BCC, SUBJECT): the field contains the string,
    /// case-insensitively; an empty string matches any message that has the field.</summary>
    public sealed record Header(string Field, string Value) : SearchKey
    {
        private static readonly string[] Indexed = ["Subject", "From", "To", "Cc"];

        /// <summary>SUBJECT, FROM, TO and CC with a value are answered from the index, decoded.</summary>
        private bool FromIndex => Value.Length > 0 && Indexed.Contains(Field, StringComparer.OrdinalIgnoreCase);

        public override bool NeedsContent => !FromIndex;
        public override bool UsesIndexedHeaders => FromIndex;

        public override bool Matches(ISearchTarget t)
        {
            if (FromIndex && t.IndexedHeader(Field) is { } indexed) return Contains(indexed, Value);
            foreach (var header in t.Headers)
            {
                if (!header.Field.Equals(Field, StringComparison.OrdinalIgnoreCase)) continue;
                if (Value.Length == 0 || Contains(header.Value, Value)) return true;
            }
            return false;
        }
    }

    /// <summary>BODY (the text of the body parts) or TEXT (headers and body).</summary>
    public sealed record Text(string Value, bool IncludeHeaders) : SearchKey
    {
        public override bool NeedsContent => true;

        public override bool Matches(ISearchTarget t)
        {
            if (IncludeHeaders && t.Content.Headers.Any(h => Contains(h.Value, Value))) return true;
            foreach (var part in t.Content.BodyParts.OfType<TextPart>())
                if (Contains(part.Text, Value)) return true;
            return false;
        }
    }

    private static bool Contains(string? haystack, string needle) =>
        haystack is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);
}
