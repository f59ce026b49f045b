namespace OpenMailserver.Server.Storage;

/// <summary>The rowid of a message's row in the full-text index, chosen so that it orders by the second the message
/// was received: the second (from 1970, clamped to 2^33) above 24 bits that tell apart the rows of one second. A
/// search can then walk its matches newest first and stop once the rest are older than the page it has, instead of
/// reading every match to sort them. Rows indexed before this scheme have small rowids in the order they were
/// indexed, which say nothing of time: they sort below every timed row and are read whole, until
/// <see cref="OpenMailserver.Server.Messages.SearchBackfill"/> has given them timed ones.</summary>
public static class SearchRowIds
{
    private const int CounterBits = 24;
    private const long FirstSecond = 1L << 33;
    private const long LastSecond = FirstSecond - 1;

    /// <summary>Every rowid from here up is timed; below it are the rows of the old scheme, and those of a second
    /// whose 2^24 rowids are all taken (<see cref="Untimed"/>).</summary>
    public const long Timed = FirstSecond << CounterBits;

    /// <summary>How many rowids one second has.</summary>
    public const long PerSecond = 1L << CounterBits;

    /// <summary>The first rowid of the second <paramref name="receivedAt"/> (Unix milliseconds) falls in.</summary>
    public static long First(long receivedAt) => (FirstSecond + Math.Clamp(receivedAt / 1000, 0, LastSecond)) << CounterBits;

    /// <summary>A time every row whose rowid is below <paramref name="rowId"/> was received before, in Unix
    /// milliseconds; null when there is none (untimed rows, or the last second, which holds every later time).</summary>
    public static long? ReceivedBefore(long rowId)
    {
        if (rowId < Timed) return null;
        var second = (rowId >> CounterBits) - FirstSecond;
        return second >= LastSecond ? null : (second + 1) * 1000;
    }

    /// <summary>Whether <paramref name="rowId"/> is one of the rows that sort below the timed ones.</summary>
    public static bool Untimed(long rowId) => rowId < Timed;
}
