using System.Data.Common;

namespace OpenMailserver.Server.Accounts;

public interface IAliasRepository
{
    Task<long> InsertAsync(DbTransaction tx, string source, string destination, long now);
    Task<AliasRecord?> FindBySourceAsync(string source, DbTransaction? tx = null);
    Task<AliasRecord?> FindByIdAsync(long id);
    Task<IReadOnlyList<AliasRecord>> ListAsync(DbTransaction? tx = null);
    Task DeleteAsync(DbTransaction tx, long id);
}
