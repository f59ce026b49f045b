
namespace OpenMailserver.Server.Storage;

/// <summary>What Storage registers: the database, the blob store and the SQLite repositories behind the areas' interfaces.</summary>
public static class StorageRegistration
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddSingleton<Database>();
        services.AddSingleton<MailboxChanges>();
        services.AddSingleton<IStore, SqliteStore>();
        services.AddSingleton<Migrator>();
        services.AddHostedService<PlannerStatistics>();
        services.AddSingleton<BlobStore>();
        services.AddSingleton<SqliteServerCounts>();
        services.AddSingleton<IMailboxRepository, SqliteMailboxRepository>();
        services.AddSingleton<IAliasRepository, SqliteAliasRepository>();
        services.AddSingleton<IApiKeyRepository, SqliteApiKeyRepository>();
        services.AddSingleton<IMessageRepository, SqliteMessageRepository>();
        services.AddSingleton<IOutboundRepository, SqliteOutboundRepository>();
        services.AddSingleton<IMailboxEventRepository, SqliteMailboxEventRepository>();
        services.AddSingleton<IWebhookRepository, SqliteWebhookRepository>();
        return services;
    }
}
