using Grpc.Core;
using OpenMailserver.Server.Accounts;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

/// <summary>Backup and restore validation are not part of this version: they answer Unimplemented (HTTP
/// 501) rather than pretend to succeed.</summary>
public sealed class OperationsApi : V1.Operations.OperationsBase
{
    [RequiresScope(Scopes.Admin)]
    public override Task<BackupResult> CreateBackup(CreateBackupRequest request, ServerCallContext context) =>
        throw new MailServerException(ErrorKind.Unimplemented, "Backups are not available in this version of Open Mailserver.");

    [RequiresScope(Scopes.Admin)]
    public override Task<Report> ValidateRestore(ValidateRestoreRequest request, ServerCallContext context) =>
        throw new MailServerException(ErrorKind.Unimplemented, "Restore validation is not available in this version of Open Mailserver.");
}
