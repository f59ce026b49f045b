using Google.Protobuf.WellKnownTypes;

namespace OpenMailserver.Server.Views;

/// <summary>Unix milliseconds, as stored, to protobuf Timestamps (RFC 3339 in JSON).</summary>
public static class ProtoTime
{
    public static Timestamp From(long unixMilliseconds) => Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds));

    public static Timestamp? From(long? unixMilliseconds) => unixMilliseconds is { } ms ? From(ms) : null;
}
