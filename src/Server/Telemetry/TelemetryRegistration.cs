using OpenTelemetry.Metrics;

namespace OpenMailserver.Server.Telemetry;

/// <summary>What Telemetry registers: metrics (exported at /metrics) and the listener registry.</summary>
public static class TelemetryRegistration
{
    public static IServiceCollection AddTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<ListenerRegistry>();
        services.AddSingleton<MailMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MailMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
        return services;
    }
}
