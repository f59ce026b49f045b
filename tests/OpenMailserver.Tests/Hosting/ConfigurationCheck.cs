extern alias ServerAssembly;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerAssembly::OpenMailserver.Server.Configuration;
using ServerAssembly::OpenMailserver.Server.Hosting;

namespace OpenMailserver.Tests.Hosting;

/// <summary>The configuration checks the server runs at start: every area's validator, as the server's own
/// registration adds them, over one set of options, their failures together.</summary>
internal static class ConfigurationCheck
{
    public static readonly IReadOnlyList<IValidateOptions<OpenMailserverOptions>> Validators = Registered();

    public static ValidateOptionsResult Validate(OpenMailserverOptions options)
    {
        var failures = Validators.Select(v => v.Validate(null, options)).Where(r => r.Failed).SelectMany(r => r.Failures!).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static List<IValidateOptions<OpenMailserverOptions>> Registered()
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddOpenMailserver();
        using var provider = builder.Services.BuildServiceProvider();
        return [.. provider.GetServices<IValidateOptions<OpenMailserverOptions>>()];
    }
}
