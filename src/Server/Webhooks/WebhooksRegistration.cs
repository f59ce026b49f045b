namespace OpenMailserver.Server.Webhooks;

/// <summary>What Webhooks registers: webhook subscriptions and their signed deliveries.</summary>
public static class WebhooksRegistration
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookTargetPolicy>();
        services.AddSingleton<WebhookService>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDispatcher>());
        return services;
    }
}
