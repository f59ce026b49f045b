using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Messages;

/// <summary>What Messages registers: folders, the message index, reading and organizing.</summary>
public static class MessagesRegistration
{
    public static IServiceCollection AddMessages(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<OpenMailserverOptions>, LimitsOptionsValidator>();
        services.AddSingleton<INewMailboxSetup, DefaultFolders>();
        services.AddSingleton(provider => MimeLimits.From(provider.GetRequiredService<IOptions<InboundOptions>>().Value));
        services.AddSingleton<MailboxReader>();
        services.AddSingleton<MessageIngest>();
        services.AddSingleton<MessageImport>();
        services.AddSingleton<MessageChanges>();
        services.AddSingleton<MailboxOrganizer>();
        services.AddSingleton<SearchIndexer>();
        services.AddHostedService(provider => provider.GetRequiredService<SearchIndexer>());
        services.AddHostedService<SearchBackfill>();
        services.AddHostedService<StructureBackfill>();
        return services;
    }
}
