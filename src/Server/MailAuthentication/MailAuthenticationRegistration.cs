using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
namespace OpenMailserver.Server.MailAuthentication;

/// <summary>What MailAuthentication registers: SPF and DKIM checks of arriving mail.</summary>
public static class MailAuthenticationRegistration
{
    public static IServiceCollection AddMailAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<OpenMailserverOptions>, InboundOptionsValidator>();
        services.AddSingleton<SpfEvaluator>();
        services.AddSingleton<DnsDkimKeyLocator>();
        services.AddSingleton<InboundAuthenticator>();
        return services;
    }
}
