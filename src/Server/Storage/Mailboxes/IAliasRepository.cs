using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Storage;

public interface IAliasRepository
{
    Task<long> InsertAsync(IUnitOfWork tx, string source, string destination, long now);
    Task<AliasRecord?> FindBySourceAsync(string source, IUnitOfWork? tx = null);
    Task<AliasRecord?> FindByIdAsync(long id);
    Task<IReadOnlyList<AliasRecord>> ListAsync(IUnitOfWork? tx = null);
    Task DeleteAsync(IUnitOfWork tx, long id);
}
