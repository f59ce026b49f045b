namespace OpenMailserver.Server.Storage;

/// <summary>One write to the store, open until it commits. Repositories take it to work inside the write; the
/// areas above never see what it is made of (for SQLite, a savepoint inside a group commit). A write that
/// changes a mailbox's messages or records one of its events is announced to the mailbox's listeners once it
/// commits, by the store itself: callers never raise notifications by hand.</summary>
public interface IUnitOfWork;
