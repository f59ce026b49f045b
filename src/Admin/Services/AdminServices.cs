using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace OpenMailserver.Admin.Services;

public static class AdminServices
{
    /// <summary>The dashboard's services; the host adds an <see cref="IAdminClientFactory"/> (the way to its
    /// control plane) and the <see cref="ClientSettings"/> to show.</summary>
    public static IServiceCollection AddOpenMailserverAdmin(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        // AdminEndpoints sends X-Frame-Options: DENY itself; antiforgery would add a second, weaker one.
        services.AddAntiforgery(options => options.SuppressXFrameOptionsHeader = true);
        services.AddMudServices();
        services.AddScoped<IKeyStore, ProtectedKeyStore>();
        services.AddScoped<AdminSession>();
        return services;
    }
}
