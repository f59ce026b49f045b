using System.Globalization;

namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>IMAP's date-time (RFC 3501 §9): <c>"25-Nov-2026 16:00:00 +0100"</c>, the day possibly padded
/// with a space.</summary>
public static class ImapDateTime
{
    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        var parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3 || parts[2].Length != 5 || parts[2][0] is not ('+' or '-') || !parts[2][1..].All(char.IsAsciiDigit)) return false;
        if (!DateTime.TryParseExact($"{parts[0]} {parts[1]}", ["d-MMM-yyyy HH:mm:ss", "dd-MMM-yyyy HH:mm:ss"], CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var local)) return false;
        var offset = new TimeSpan(int.Parse(parts[2][1..3]), int.Parse(parts[2][3..5]), 0);
        if (offset > TimeSpan.FromHours(14)) return false;
        var signed = parts[2][0] == '-' ? -offset : offset;
        // A date at the edge of the calendar ("01-Jan-0001 00:00:00 +0100") has no UTC instant.
        var utcTicks = local.Ticks - signed.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks) return false;
        value = new DateTimeOffset(local, signed);
        return true;
    }

    public static string Format(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("dd-MMM-yyyy HH:mm:ss", CultureInfo.InvariantCulture) + " +0000";
}
