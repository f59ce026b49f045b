using System.Data.Common;

namespace OpenMailserver.Server.Accounts;

/// <summary>Domains and mailboxes. Writes join the caller's transaction; reads given no transaction open
/// their own connection.</summary>
public interface IMailboxRepository
{
    Task<long> EnsureDomainAsync(DbTransaction tx, string domain, long now);
    Task<bool> DomainExistsAsync(string domain, DbTransaction? tx = null);
    Task<IReadOnlyList<string>> ListDomainsAsync();
    Task<long> InsertAsync(DbTransaction tx, long domainId, string localPart, string address, string passwordHash, long quota, long now);
    Task<MailboxRecord?> FindByAddressAsync(string address, DbTransaction? tx = null);
    Task<MailboxRecord?> FindByIdAsync(long id, DbTransaction? tx = null);
    Task<IReadOnlyList<MailboxRecord>> ListAsync(string? domain);
    Task SetActiveAsync(DbTransaction tx, long id, bool active);
    Task SetPasswordHashAsync(DbTransaction tx, long id, string passwordHash);
}
