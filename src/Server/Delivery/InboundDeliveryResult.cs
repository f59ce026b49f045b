namespace OpenMailserver.Server.Delivery;

/// <summary>The stored message ids, or why nothing was stored.</summary>
public sealed record InboundDeliveryResult(IReadOnlyList<string> MessageIds, string? RefusedReason)
{
    public bool Delivered => RefusedReason is null;
}
