namespace OpenMailserver.Server.MailAuthentication;

/// <summary>A DKIM key record that gives no usable key. <see cref="Result"/> is the RFC 8601 result it
/// leads to: <c>permerror</c> for a malformed or revoked record, <c>policy</c> for a well-formed key this
/// server does not verify with (<see cref="DkimKeyPolicy"/>).</summary>
public sealed class DkimKeyRecordException : Exception
{
    private DkimKeyRecordException(string result, string message) : base(message) => Result = result;

    public string Result { get; }

    public static DkimKeyRecordException Malformed(string reason) => new("permerror", reason);

    public static DkimKeyRecordException OutOfPolicy(string reason) => new("policy", reason);
}
