namespace OpenMailserver.Server.Dns;

/// <summary>What Dns registers: the DNS resolver.</summary>
public static class DnsRegistration
{
    public static IServiceCollection AddDns(this IServiceCollection services)
    {
        services.AddSingleton<DnsResolver>();
        return services;
    }
}
