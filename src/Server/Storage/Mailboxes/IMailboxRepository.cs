using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Storage;

/// <summary>Domains and mailboxes. Writes join the caller's transaction; reads given no transaction open
/// their own connection.</summary>
public interface IMailboxRepository
{
    Task<long> EnsureDomainAsync(IUnitOfWork tx, string domain, long now);
    Task<bool> DomainExistsAsync(string domain, IUnitOfWork? tx = null);
    Task<IReadOnlyList<string>> ListDomainsAsync();
    Task SetQuotaAsync(IUnitOfWork tx, long id, long quota, long storageQuota);

    Task<long> InsertAsync(IUnitOfWork tx, long domainId, string localPart, string address, string passwordHash, long quota, long storageQuota, long now);
    Task<MailboxRecord?> FindByAddressAsync(string address, IUnitOfWork? tx = null);
    Task<MailboxRecord?> FindByIdAsync(long id, IUnitOfWork? tx = null);
    Task<IReadOnlyList<MailboxRecord>> ListAsync(string? domain);
    Task SetActiveAsync(IUnitOfWork tx, long id, bool active);
    Task SetPasswordHashAsync(IUnitOfWork tx, long id, string passwordHash);
}
