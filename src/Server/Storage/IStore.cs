namespace OpenMailserver.Server.Storage;

/// <summary>The one way to change the store: a unit of work that either commits whole, after which the
/// mailboxes it marked are announced, or fails whole and its caller gets the exception.</summary>
public interface IStore
{
    Task<T> WriteAsync<T>(Func<IUnitOfWork, Task<T>> work, CancellationToken cancellationToken = default);

    Task WriteAsync(Func<IUnitOfWork, Task> work, CancellationToken cancellationToken = default) =>
        WriteAsync(async unit => { await work(unit); return true; }, cancellationToken);
}
