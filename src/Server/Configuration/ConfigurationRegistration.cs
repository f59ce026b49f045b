using Microsoft.Extensions.Options;

namespace OpenMailserver.Server.Configuration;

/// <summary>Each section of the <c>OpenMailserver</c> configuration as options of its own (<c>IOptions&lt;SmtpOptions&gt;</c>, …),
/// and its top-level keys as <see cref="StorageOptions"/> and <see cref="ServerOptions"/>, so an area takes only the settings it uses. They are the sections of the one bound, completed and validated
/// <see cref="OpenMailserverOptions"/>: the keys stay as they are, and a bad value still stops the start.</summary>
public static class ConfigurationRegistration
{
    public static IServiceCollection AddSectionOptions(this IServiceCollection services)
    {
        Section(services, o => o.Smtp);
        Section(services, o => o.Imap);
        Section(services, o => o.Tls);
        Section(services, o => o.Delivery);
        Section(services, o => o.Limits);
        Section(services, o => o.Inbound);
        Section(services, o => o.Debug);
        Section(services, o => o.Security);
        Section(services, o => o.Backup);
        Section(services, o => o.Webhooks);
        Section(services, o => new StorageOptions(o.DataDirectory));
        // Domain and Hostname are set once the configuration is valid, which the start checks before anything runs.
        Section(services, o => new ServerOptions(o.Domain ?? "localhost", o.Hostname ?? "localhost", o.BindAddress ?? "127.0.0.1", o.HttpPort, o.GrpcPort,
            o.HttpsPort, o.AdminApiKey));
        return services;
    }

    private static void Section<T>(IServiceCollection services, Func<OpenMailserverOptions, T> section) where T : class =>
        services.AddSingleton<IOptions<T>>(provider => Options.Create(section(provider.GetRequiredService<IOptions<OpenMailserverOptions>>().Value)));
}
