namespace OpenMailserver.Server.Storage;

/// <summary>A row of <c>mailboxes</c>. Times are Unix milliseconds.</summary>
public sealed record MailboxRecord(long Id, long DomainId, string LocalPart, string Address, string PasswordHash, long Quota, long Active, long CreatedAt,
    long StorageQuota)
{
    public bool IsActive => Active != 0;
}
