namespace OpenMailserver.Server.Configuration;

/// <summary>What one arriving message may cost: the MIME structure that is indexed and shown, and the
/// authentication work done for it before anything is known about its sender.</summary>
public sealed class InboundOptions
{
    /// <summary>MIME entities (parts and multiparts) indexed and shown; the rest stays in the raw message.</summary>
    public int MaxMimeParts { get; set; } = 1000;
    /// <summary>Nesting of multiparts and attached messages indexed and shown.</summary>
    public int MaxMimeDepth { get; set; } = 50;
    /// <summary>Header fields per entity indexed and shown.</summary>
    public int MaxHeaders { get; set; } = 1000;
    /// <summary>DKIM signatures verified per message; the others are reported as not checked.</summary>
    public int MaxDkimSignatures { get; set; } = 3;
    /// <summary>Time for all of a message's DKIM and SPF work together, DNS and cryptography alike.</summary>
    public TimeSpan AuthenticationBudget { get; set; } = TimeSpan.FromSeconds(10);
}
