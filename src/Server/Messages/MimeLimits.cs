using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Messages;

/// <summary>How much of a message's MIME structure is indexed and shown (Inbound:MaxMimeParts,
/// Inbound:MaxMimeDepth, Inbound:MaxHeaders); the raw message is always kept whole.</summary>
public sealed record MimeLimits(int MaxParts, int MaxDepth, int MaxHeaders)
{
    public static readonly MimeLimits Default = From(new InboundOptions());

    public static MimeLimits From(InboundOptions options) => new(options.MaxMimeParts, options.MaxMimeDepth, options.MaxHeaders);
}
