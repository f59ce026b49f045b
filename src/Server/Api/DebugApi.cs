using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Delivery;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Operations;
using OpenMailserver.Server.Storage;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

public sealed class DebugApi(
    HealthService health, DeliverabilityChecker deliverability, IOutboundRepository outbound, LogRingBuffer logs, IOptions<OpenMailserverOptions> options,
    IHostEnvironment environment)
    : V1.Debug.DebugBase
{
    [RequiresScope(Scopes.DebugRead)]
    public override async Task<Report> GetHealth(GetHealthRequest request, ServerCallContext context)
    {
        EnsureEnabled();
        var checks = await health.RunAsync();
        return ReportBuilder.Build(HealthService.Overall(checks), new { Checks = checks });
    }

    [RequiresScope(Scopes.DebugRead)]
    public override Task<Report> GetConfig(GetConfigRequest request, ServerCallContext context)
    {
        EnsureEnabled();
        return Task.FromResult(ReportBuilder.Build("ok", ConfigReport.Build(options.Value, environment.EnvironmentName)));
    }

    /// <summary>Operators see every trace; a mailbox key (mail:read) the traces of its own mail.</summary>
    [RequiresScope(Scopes.DebugRead, Scopes.MailRead)]
    public override async Task<Report> GetMessageTrace(GetMessageTraceRequest request, ServerCallContext context)
    {
        EnsureEnabled();
        var record = await outbound.FindAsync(request.Id);
        if (record is null || !context.Caller().CanAccessMailbox(record.MailboxId))
            throw new MailServerException(ErrorKind.NotFound, $"No outbound message with id {request.Id}.");
        var events = await outbound.ListEventsAsync(record.Id);
        return ReportBuilder.Build(record.State, new
        {
            Status = record.State,
            record.MessageId,
            record.QueueId,
            record.Error,
            Events = events.Select(e => new
            {
                e.EventType,
                e.Recipient,
                Details = JsonSerializer.Deserialize<JsonElement>(e.Details),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(e.CreatedAt).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            }),
        });
    }

    [RequiresScope(Scopes.DebugRead)]
    public override async Task<Report> GetDeliverabilityReport(GetDeliverabilityReportRequest request, ServerCallContext context)
    {
        EnsureEnabled();
        var (checks, plan) = await deliverability.RunAsync(context.CancellationToken);
        return ReportBuilder.Build(HealthService.Overall(checks), new { Checks = checks, DnsPlan = plan });
    }

    [RequiresScope(Scopes.DebugRead)]
    public override Task<Report> GetLogs(GetLogsRequest request, ServerCallContext context)
    {
        EnsureEnabled();
        if (request.Limit < 0) throw new MailServerException(ErrorKind.InvalidArgument, "limit must not be negative.");
        var minimum = LogLevel.Trace;
        if (!string.IsNullOrEmpty(request.Level) && !Enum.TryParse(request.Level, ignoreCase: true, out minimum))
            throw new MailServerException(ErrorKind.InvalidArgument, "level must be one of trace, debug, information, warning, error, critical.");
        var lines = logs.Tail(Math.Min(request.Limit == 0 ? 200 : request.Limit, 2000), minimum)
            .Select(LogRingBuffer.Format);
        return Task.FromResult(ReportBuilder.Build("ok", new { Lines = lines }));
    }

    private void EnsureEnabled()
    {
        if (!options.Value.Debug.Enabled)
            throw new MailServerException(ErrorKind.NotFound, "Debug endpoints are disabled on this server (Debug:Enabled is false).");
    }
}
