using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
namespace OpenMailserver.Server.Net;

/// <summary>What Net registers: the TLS certificate and the per-mailbox session counts.</summary>
public static class NetRegistration
{
    public static IServiceCollection AddNet(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<OpenMailserverOptions>, TlsOptionsValidator>();
        services.AddSingleton<TlsCertificateProvider>();
        services.AddKeyedSingleton<SessionsPerMailbox>(SessionsPerMailbox.Imap);
        services.AddKeyedSingleton<SessionsPerMailbox>(SessionsPerMailbox.Submission);
        return services;
    }
}
