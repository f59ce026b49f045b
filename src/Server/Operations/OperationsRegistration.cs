using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Operations.Backup;

namespace OpenMailserver.Server.Operations;

/// <summary>What Operations registers: health, statistics, the DNS plan and checks, backups and the log file.</summary>
public static class OperationsRegistration
{
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<OpenMailserverOptions>, BackupOptionsValidator>();
        services.AddSingleton<HealthService>();
        services.AddSingleton<ServerStatistics>();
        services.AddSingleton<DnsPlanner>();
        services.AddSingleton<BackupKey>();
        services.AddSingleton<BackupWriter>();
        services.AddHostedService<LogFileWriter>();
        services.AddSingleton<DeliverabilityChecker>();
        return services;
    }
}
