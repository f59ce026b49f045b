namespace OpenMailserver.Server.Delivery.Outbound;

public enum RecipientOutcome { Delivered, Deferred, Failed }

/// <summary>What one attempt did for one recipient.</summary>
/// <param name="Reply">The remote reply or our own explanation, for the trace and the bounce.</param>
/// <param name="Status">The enhanced status code (RFC 3463), e.g. <c>5.1.1</c>.</param>
/// <param name="RemoteHost">The host that gave the reply, when one did.</param>
public sealed record RecipientResult(RecipientOutcome Outcome, string Reply, string Status, string? RemoteHost)
{
    public static RecipientResult FromReply(int code, string text, string host)
    {
        var reply = $"{code} {text}".Trim();
        var status = EnhancedStatus(text) ?? (code >= 500 ? "5.0.0" : code >= 400 ? "4.0.0" : "2.0.0");
        var outcome = code is >= 200 and < 300 ? RecipientOutcome.Delivered : code >= 500 ? RecipientOutcome.Failed : RecipientOutcome.Deferred;
        return new RecipientResult(outcome, reply, status, host);
    }

    private static string? EnhancedStatus(string text)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text, @"^\s*([245]\.\d{1,3}\.\d{1,3})\b");
        return match.Success ? match.Groups[1].Value : null;
    }
}
