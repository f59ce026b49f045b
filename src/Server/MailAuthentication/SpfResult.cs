namespace OpenMailserver.Server.MailAuthentication;

/// <summary>The results of RFC 7208 §2.6, spelled as they appear in Authentication-Results.</summary>
public static class SpfResult
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string SoftFail = "softfail";
    public const string Neutral = "neutral";
    public const string None = "none";
    public const string TempError = "temperror";
    public const string PermError = "permerror";
}
