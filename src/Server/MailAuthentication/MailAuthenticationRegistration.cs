namespace OpenMailserver.Server.MailAuthentication;

/// <summary>What MailAuthentication registers: SPF and DKIM checks of arriving mail.</summary>
public static class MailAuthenticationRegistration
{
    public static IServiceCollection AddMailAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<SpfEvaluator>();
        services.AddSingleton<DnsDkimKeyLocator>();
        services.AddSingleton<InboundAuthenticator>();
        return services;
    }
}
