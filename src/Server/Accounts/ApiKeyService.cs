using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Accounts;

/// <summary>Issues, checks and revokes API keys. Only SHA-256 hashes are stored; a raw key is returned
/// once, when issued.</summary>
public sealed class ApiKeyService(
    IStore store, IApiKeyRepository keys, IMailboxRepository mailboxes, CredentialRevocations revocations, IOptions<ServerOptions> server, IOptions<StorageOptions> storage,
    TimeProvider time, ILogger<ApiKeyService> logger)
{
    public const string AdminKeyFileName = "admin-api-key";
    private const string GeneratedAdminKeyName = "admin (generated)";
    private const string ConfiguredAdminKeyName = "admin (configured)";

    public async Task<IssuedKey> IssueMailboxKeyAsync(IUnitOfWork tx, long mailboxId, string name)
    {
        var raw = ApiKeySecret.Generate();
        var id = await keys.InsertAsync(tx, ApiKeySecret.Hash(raw), ApiKeySecret.DisplayPrefix(raw), name, mailboxId,
            string.Join(' ', Scopes.MailboxScopes), Now());
        return new IssuedKey(id, raw, Scopes.MailboxScopes);
    }

    /// <summary>The caller a raw key stands for, or null when the key is unknown, revoked, or bound to a
    /// disabled mailbox. The lookup is by hash; the hash found is compared again in constant time.</summary>
    public async Task<Caller?> AuthenticateAsync(string rawKey)
    {
        if (string.IsNullOrEmpty(rawKey) || rawKey.Length > 200) return null;
        var hash = ApiKeySecret.Hash(rawKey);
        var key = await keys.FindByHashAsync(hash);
        if (key is null || key.RevokedAt is not null || !CryptographicOperations.FixedTimeEquals(hash, key.KeyHash)) return null;
        string? address = null;
        if (key.MailboxId is { } mailboxId)
        {
            var mailbox = await mailboxes.FindByIdAsync(mailboxId);
            if (mailbox is null || !mailbox.IsActive) return null;
            address = mailbox.Address;
        }
        // Recorded at minute granularity, decided here from the row just read, so a busy key does not
        // turn every authenticated read into a database write.
        var now = Now();
        if (key.LastUsedAt is null || key.LastUsedAt < now - 60_000) await keys.TouchAsync(key.Id, now);
        return new Caller(key.Id, key.ScopeList.ToHashSet(), key.MailboxId, address);
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListForMailboxAsync(long mailboxId) => keys.ListByMailboxAsync(mailboxId);

    /// <summary>Revokes a key; once committed, every stream, wait and webhook opened with it ends. The last-admin-key
    /// check runs in the same write transaction, so two concurrent revocations cannot both pass it.</summary>
    public async Task<ApiKeyRecord> RevokeAsync(long id)
    {
        await store.WriteAsync(async tx =>
        {
            var key = await keys.FindByIdAsync(id, tx) ?? throw new MailServerException(ErrorKind.NotFound, $"No API key with id {id}.");
            if (key.MailboxId is null && key.RevokedAt is null && await keys.CountActiveAdminKeysAsync(tx) <= 1)
                throw new MailServerException(ErrorKind.InvalidArgument, "This is the last admin key; revoking it would lock every operator out.");
            await keys.RevokeAsync(tx, id, Now());
        });
        revocations.KeyRevoked(id);
        return (await keys.FindByIdAsync(id))!;
    }

    /// <summary>Makes sure an operator key exists: the configured <c>AdminApiKey</c>, or else one generated
    /// at first start and written to <c>&lt;DataDirectory&gt;/admin-api-key</c> (mode 0600). Returns the file's
    /// path when the key lives there.</summary>
    public async Task<string?> EnsureAdminKeyAsync()
    {
        var configured = server.Value.AdminApiKey;
        var keyFile = Path.Combine(storage.Value.DataDirectory, AdminKeyFileName);
        if (!string.IsNullOrEmpty(configured))
        {
            var hash = ApiKeySecret.Hash(configured);
            var (replaced, generated) = await store.WriteAsync(async tx =>
            {
                var current = await keys.FindByNameAsync(ConfiguredAdminKeyName, tx);
                long? replacedId = null;
                if (current is null || !CryptographicOperations.FixedTimeEquals(current.KeyHash, hash))
                {
                    // The configured key changed: the old one stops working.
                    if (current is not null)
                    {
                        await keys.RevokeAsync(tx, current.Id, Now());
                        replacedId = current.Id;
                    }
                    await keys.InsertAsync(tx, hash, ApiKeySecret.DisplayPrefix(configured), ConfiguredAdminKeyName, null, string.Join(' ', Scopes.AdminScopes), Now());
                }
                // The configured key replaces one generated at an earlier start.
                var revokedGenerated = new List<long>();
                while (await keys.FindByNameAsync(GeneratedAdminKeyName, tx) is { } old)
                {
                    await keys.RevokeAsync(tx, old.Id, Now());
                    revokedGenerated.Add(old.Id);
                }
                return (replacedId, revokedGenerated);
            });
            if (replaced is { } oldConfigured) revocations.KeyRevoked(oldConfigured);
            foreach (var id in generated) revocations.KeyRevoked(id);
            var hadFile = File.Exists(keyFile);
            if (hadFile) DurableFile.Delete(keyFile);
            if (hadFile || generated.Count > 0)
                logger.LogWarning("OpenMailserver:AdminApiKey is set and replaces the admin key generated earlier: that key is revoked and {KeyFile} deleted", keyFile);
            return null;
        }

        if (await keys.FindByNameAsync(GeneratedAdminKeyName) is not null) return File.Exists(keyFile) ? keyFile : null;

        var raw = ApiKeySecret.Generate();
        DurableFile.Write(keyFile, System.Text.Encoding.UTF8.GetBytes(raw + "\n"));
        await store.WriteAsync(tx => keys.InsertAsync(tx, ApiKeySecret.Hash(raw), ApiKeySecret.DisplayPrefix(raw), GeneratedAdminKeyName, null,
            string.Join(' ', Scopes.AdminScopes), Now()));
        logger.LogWarning("Generated an admin API key and wrote it to {KeyFile}; it is not shown again in the log", keyFile);
        return keyFile;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
