namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>Why a whole destination cannot be reached, permanently (no such domain, null MX) or for now.</summary>
/// <param name="Status">The enhanced status code (RFC 3463) the bounce reports.</param>
public sealed class DeliveryFailure(bool permanent, string status, string message) : Exception(message)
{
    public bool Permanent { get; } = permanent;
    public string Status { get; } = status;
}
