using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap;

/// <summary>What Imap registers: the IMAP listener and what its sessions share.</summary>
public static class ImapRegistration
{
    public static IServiceCollection AddImap(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<OpenMailserverOptions>, ImapOptionsValidator>();
        services.AddSingleton<FolderViews>();
        services.AddSingleton<ImapServices>();
        services.AddHostedService<ImapListener>();
        return services;
    }
}
