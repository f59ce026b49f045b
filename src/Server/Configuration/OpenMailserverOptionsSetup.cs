using Microsoft.Extensions.Options;

namespace OpenMailserver.Server.Configuration;

/// <summary>Fills in the defaults that depend on the environment (design.md: loopback and <c>localhost</c>
/// for the quick start, all interfaces in production) and normalises names.</summary>
public sealed class OpenMailserverOptionsSetup(IHostEnvironment environment) : IPostConfigureOptions<OpenMailserverOptions>
{
    public void PostConfigure(string? name, OpenMailserverOptions options)
    {
        var development = environment.IsDevelopment();
        options.BindAddress ??= development ? "127.0.0.1" : "0.0.0.0";
        if (string.IsNullOrWhiteSpace(options.Domain) && development) options.Domain = "localhost";
        options.Domain = options.Domain?.Trim().TrimEnd('.').ToLowerInvariant();
        if (string.IsNullOrWhiteSpace(options.Hostname) && !string.IsNullOrEmpty(options.Domain))
            options.Hostname = "mail." + options.Domain;
        options.Hostname = options.Hostname?.Trim().TrimEnd('.').ToLowerInvariant();
        options.DataDirectory = Path.GetFullPath(options.DataDirectory);
        if (options.Delivery.RetrySchedule.Count == 0)
            options.Delivery.RetrySchedule = [.. DeliveryOptions.DefaultRetrySchedule];
    }
}
