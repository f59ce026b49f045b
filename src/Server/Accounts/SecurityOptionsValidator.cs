using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Accounts;

/// <summary>Security: the failed-login limits and lockout of <see cref="LoginThrottle"/>.</summary>
public sealed class SecurityOptionsValidator : SectionValidator
{
    protected override void Check(OpenMailserverOptions o, List<string> errors)
    {
        if (o.Security.MaxFailedLoginsPerAddress < 1 || o.Security.MaxFailedLoginsPerIp < 1)
            errors.Add($"{P}Security:MaxFailedLoginsPerAddress and Security:MaxFailedLoginsPerIp must be at least 1.");
        if (o.Security.LockoutPeriod <= TimeSpan.Zero) errors.Add($"{P}Security:LockoutPeriod must be a positive duration such as 00:15:00.");
    }
}
