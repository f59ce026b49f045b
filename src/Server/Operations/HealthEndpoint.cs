using System.Runtime.InteropServices;

namespace OpenMailserver.Server.Operations;

/// <summary><c>GET /health</c>, without a key, for load balancers and monitors: 200 while nothing fails,
/// 503 otherwise.</summary>
public static class HealthEndpoint
{
    public static async Task<IResult> HandleAsync(HealthService health)
    {
        var checks = await health.RunAsync();
        var status = HealthService.Overall(checks);
        var body = new
        {
            status,
            platform = $"openmailserver {typeof(HealthEndpoint).Assembly.GetName().Version?.ToString(3)} on {RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})",
            checks = checks.ToDictionary(c => c.Name, c => c.Status switch
            {
                HealthCheckResult.Pass => "ok",
                HealthCheckResult.Warn => "warn",
                _ => "error",
            }),
        };
        return Results.Json(body, statusCode: status == "error" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }
}
