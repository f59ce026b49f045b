using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Delivery.Bounces;
using OpenMailserver.Server.Delivery.Dkim;
using OpenMailserver.Server.Delivery.Outbound;

namespace OpenMailserver.Server.Delivery;

/// <summary>What Delivery registers: local and inbound delivery, DKIM keys, the outbound queue and engine, and bounces.</summary>
public static class DeliveryRegistration
{
    public static IServiceCollection AddDelivery(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<OpenMailserverOptions>, DeliveryOptionsValidator>();
        services.AddSingleton<RecipientResolver>();
        services.AddSingleton<InboundDelivery>();
        services.AddSingleton<DkimKeys>();
        services.AddSingleton<INewDomainSetup>(provider => provider.GetRequiredService<DkimKeys>());
        services.AddSingleton<DeliveryJournal>();
        services.AddSingleton<RouteResolver>();
        services.AddSingleton<SmtpSessionPool>();
        services.AddSingleton<SmtpTransfer>();
        services.AddSingleton<BounceSender>();
        services.AddSingleton<OutboundQueue>();
        services.AddSingleton<OutboundDeliverer>();
        services.AddSingleton<OutboundWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboundWorker>());
        return services;
    }
}
