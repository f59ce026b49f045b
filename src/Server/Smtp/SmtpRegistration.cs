using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
namespace OpenMailserver.Server.Smtp;

/// <summary>What Smtp registers: the MX and submission listeners with their filters, stores and login.</summary>
public static class SmtpRegistration
{
    public static IServiceCollection AddSmtp(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<OpenMailserverOptions>, SmtpOptionsValidator>();
        services.AddSingleton<InboundMailboxFilter>();
        services.AddSingleton<InboundMessageStore>();
        services.AddSingleton<SubmissionMailboxFilter>();
        services.AddSingleton<SubmissionMessageStore>();
        services.AddSingleton<SubmissionAuthenticator>();
        services.AddHostedService<SmtpListeners>();
        return services;
    }
}
