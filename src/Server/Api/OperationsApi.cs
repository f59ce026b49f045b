using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Operations.Backup;
using OpenMailserver.Server.Operations;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

/// <summary>Encrypted backups of the running server, and checking an archive before it is needed.</summary>
public sealed class OperationsApi(BackupWriter backups, BackupKey key, ServerStatistics statistics, Microsoft.Extensions.Options.IOptions<Configuration.OpenMailserverOptions> options)
    : V1.Operations.OperationsBase
{
    [RequiresScope(Scopes.Admin)]
    public override async Task<BackupResult> CreateBackup(CreateBackupRequest request, ServerCallContext context) =>
        new() { Path = await backups.CreateAsync(context.CancellationToken), Encrypted = true, KeyLocation = key.Location };

    [RequiresScope(Scopes.Admin)]
    public override async Task<Report> ValidateRestore(ValidateRestoreRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Path)) throw new MailServerException(ErrorKind.InvalidArgument, "path is required: the archive to check.");
        var path = BackupLocations.Resolve(request.Path, backups.Directory, options.Value.Backup.ImportDirectory);
        var check = await BackupReader.ReadAsync(path, key.Get(), extractTo: null, context.CancellationToken);
        return check.Ok
            ? ReportBuilder.Build("ok", new { Path = path, Entries = check.Contents })
            : ReportBuilder.Build("invalid", new { Path = path, check.Reason });
    }

    [RequiresScope(Scopes.Admin)]
    public override Task<ListBackupsResponse> ListBackups(ListBackupsRequest request, ServerCallContext context)
    {
        var response = new ListBackupsResponse();
        if (Directory.Exists(backups.Directory))
            response.Backups.AddRange(new DirectoryInfo(backups.Directory).GetFiles("*" + BackupWriter.Extension)
                .OrderByDescending(f => f.Name, StringComparer.Ordinal)
                .Select(f => new BackupArchive { Name = f.Name, Size = f.Length, CreatedAt = Timestamp.FromDateTime(f.LastWriteTimeUtc) }));
        return Task.FromResult(response);
    }

    [RequiresScope(Scopes.Admin)]
    public override async Task<ServerStats> GetStats(GetStatsRequest request, ServerCallContext context)
    {
        var counts = await statistics.GetAsync(context.CancellationToken);
        var stats = new ServerStats
        {
            Domains = counts.Domains, Mailboxes = counts.ActiveMailboxes, DisabledMailboxes = counts.DisabledMailboxes, Aliases = counts.Aliases,
            ReceivedToday = counts.ReceivedSince, SentToday = counts.SentSince,
        };
        foreach (var (state, count) in counts.OutboundByState) stats.OutboundByState[state] = count;
        return stats;
    }
}
