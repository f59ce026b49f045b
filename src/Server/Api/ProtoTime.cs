using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using OpenMailserver.Server.Kernel;

namespace OpenMailserver.Server.Api;

/// <summary>Unix milliseconds, as stored, to protobuf Timestamps (RFC 3339 in JSON).</summary>
public static class ProtoTime
{
    public static Timestamp From(long unixMilliseconds) => Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds));

    public static Timestamp? From(long? unixMilliseconds) => unixMilliseconds is { } ms ? From(ms) : null;

    /// <summary>An optional RFC 3339 time parameter as Unix milliseconds.</summary>
    public static long? Parse(string? value, string name)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            throw new MailServerException(ErrorKind.InvalidArgument, $"{name}: '{EmailAddress.Shorten(value)}' is not an RFC 3339 time such as 2026-11-24T15:31:47Z.");
        return parsed.ToUnixTimeMilliseconds();
    }
}
