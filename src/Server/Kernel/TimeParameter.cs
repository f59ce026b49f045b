using System.Globalization;

namespace OpenMailserver.Server.Kernel;

/// <summary>An optional time a caller gives (a <c>since</c> or <c>before</c> of the API and MCP), as Unix
/// milliseconds, the way times are stored.</summary>
public static class TimeParameter
{
    /// <summary>An RFC 3339 time, or null when none is given; anything else is the caller's error.</summary>
    public static long? Parse(string? value, string name)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            throw new MailServerException(ErrorKind.InvalidArgument, $"{name}: '{EmailAddress.Shorten(value)}' is not an RFC 3339 time such as 2026-11-24T15:31:47Z.");
        return parsed.ToUnixTimeMilliseconds();
    }
}
