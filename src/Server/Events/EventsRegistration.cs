namespace OpenMailserver.Server.Events;

/// <summary>What Events registers: the event feed that watchers share.</summary>
public static class EventsRegistration
{
    public static IServiceCollection AddEvents(this IServiceCollection services)
    {
        services.AddSingleton<MailboxEventFeed>();
        return services;
    }
}
