using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
namespace OpenMailserver.Server.Accounts;

/// <summary>What Accounts registers: mailboxes, aliases, keys, passwords and logins.</summary>
public static class AccountsRegistration
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<OpenMailserverOptions>, SecurityOptionsValidator>();
        services.AddSingleton<CredentialRevocations>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<MailboxService>();
        services.AddSingleton<AliasService>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<PasswordLogin>();
        return services;
    }
}
