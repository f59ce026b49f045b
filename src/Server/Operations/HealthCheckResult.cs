namespace OpenMailserver.Server.Operations;

/// <summary>One check: <c>pass</c>, <c>warn</c> or <c>fail</c>, and what the operator should know or do.</summary>
public sealed record HealthCheckResult(string Name, string Status, string Details)
{
    public const string Pass = "pass";
    public const string Warn = "warn";
    public const string Fail = "fail";
}
