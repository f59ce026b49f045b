namespace OpenMailserver.Server.Kernel;

/// <summary>A failure the caller can act on; the message is shown to them as it is.</summary>
public sealed class MailServerException(ErrorKind kind, string message) : Exception(message)
{
    public ErrorKind Kind { get; } = kind;

    /// <summary>For <see cref="ErrorKind.ResourceExhausted"/>: the <c>Limits:</c> setting that was reached,
    /// so each protocol can answer in its own terms (SMTP 552 for size, 450 for rate).</summary>
    public string? Limit { get; init; }
}
