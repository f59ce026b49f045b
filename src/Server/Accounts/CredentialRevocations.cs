using System.Collections.Concurrent;

namespace OpenMailserver.Server.Accounts;

/// <summary>The in-process signal that a credential lost its rights: an API key revoked, a mailbox disabled,
/// a mailbox password reset. Raised by <see cref="ApiKeyService"/> and <see cref="MailboxService"/> after the
/// change is committed; every long-lived door (event streams, IMAP sessions, MCP waits, SMTP submission)
/// links its work to the token of the credential it was opened with, so it ends as soon as that is revoked.
/// A revoked key, and a mailbox while disabled, keep a cancelled token, so a door that authenticated just
/// before the change and asks for its token just after still ends. A password reset is an event, not a
/// state: doors ask for the password token before they read the password hash they check.</summary>
public sealed class CredentialRevocations
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _sources = new();

    /// <summary>Cancelled when the key is revoked or (for a mailbox key) its mailbox is disabled. Dispose it.</summary>
    public CancellationTokenSource Link(Caller caller, CancellationToken other)
    {
        var key = Source(KeyName(caller.KeyId)).Token;
        return caller.MailboxAddress is { } address
            ? CancellationTokenSource.CreateLinkedTokenSource(other, key, Source(MailboxName(address)).Token)
            : CancellationTokenSource.CreateLinkedTokenSource(other, key);
    }

    /// <summary>The token of a password login to <paramref name="address"/>: cancelled when the password is
    /// reset or the mailbox disabled. Take it before reading the hash the password is checked against.</summary>
    public CancellationToken ForPassword(string address) => Source(PasswordName(address)).Token;

    public void KeyRevoked(long keyId) => Source(KeyName(keyId)).Cancel();

    public void MailboxDisabled(string address)
    {
        Source(MailboxName(address)).Cancel();
        PasswordChanged(address);
    }

    /// <summary>A mailbox enabled again starts with fresh tokens.</summary>
    public void MailboxEnabled(string address)
    {
        if (_sources.TryGetValue(MailboxName(address), out var source) && source.IsCancellationRequested)
            _sources.TryRemove(new KeyValuePair<string, CancellationTokenSource>(MailboxName(address), source));
    }

    public void PasswordChanged(string address)
    {
        if (_sources.TryRemove(PasswordName(address), out var source)) source.Cancel();
    }

    private CancellationTokenSource Source(string name) => _sources.GetOrAdd(name, _ => new CancellationTokenSource());

    private static string KeyName(long keyId) => "key:" + keyId;
    private static string MailboxName(string address) => "mailbox:" + address.ToLowerInvariant();
    private static string PasswordName(string address) => "password:" + address.ToLowerInvariant();
}
