using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Accounts;

/// <summary>Provisioning and managing mailboxes: each starts with the standard folders, a password and a
/// mailbox-scoped API key.</summary>
public sealed class MailboxService(
    IStore store, IMailboxRepository mailboxes, IAliasRepository aliases, INewMailboxSetup setup, INewDomainSetup domains, ApiKeyService keys,
    CredentialRevocations revocations,
    IOptions<LimitsOptions> options, TimeProvider time, ILogger<MailboxService> logger)
{
    public async Task<CreatedMailbox> CreateAsync(string? localPart, string? domain, string? password, long? quota, long? storageQuota = null)
    {
        if (string.IsNullOrWhiteSpace(localPart))
            throw new MailServerException(ErrorKind.InvalidArgument, "local_part is required (the part before the @).");
        if (string.IsNullOrWhiteSpace(domain))
            throw new MailServerException(ErrorKind.InvalidArgument, "domain is required.");
        var local = localPart.Trim().ToLowerInvariant();
        if (!EmailAddress.IsValidLocalPart(local))
            throw new MailServerException(ErrorKind.InvalidArgument,
                $"local_part '{EmailAddress.Shorten(localPart)}' is not valid: use at most {EmailAddress.MaxLocalPartLength} letters, digits and . _ + - (no leading, trailing or double dot).");
        if (!DomainName.TryNormalize(domain, out var normalizedDomain))
            throw new MailServerException(ErrorKind.InvalidArgument, $"domain '{EmailAddress.Shorten(domain)}' is not a valid domain name.");
        var address = $"{local}@{normalizedDomain}";
        if (address.Length > EmailAddress.MaxLength)
            throw new MailServerException(ErrorKind.InvalidArgument, $"The address {address} is longer than {EmailAddress.MaxLength} characters.");
        CheckQuotas(quota, storageQuota);

        var chosenPassword = password is null ? PasswordHasher.Generate() : PasswordPolicy.Check(password);
        var hash = PasswordHasher.Hash(chosenPassword);
        // The signing key exists before the first mailbox of its domain can send.
        await domains.EnsureAsync(normalizedDomain);
        var now = Now();
        try
        {
            var (id, key) = await store.WriteAsync(async tx =>
            {
                if (await aliases.FindBySourceAsync(address, tx) is not null)
                    throw new MailServerException(ErrorKind.AlreadyExists, $"{address} is already an alias; delete the alias first.");
                var domainId = await mailboxes.EnsureDomainAsync(tx, normalizedDomain, now);
                var mailboxId = await mailboxes.InsertAsync(tx, domainId, local, address, hash, quota ?? options.Value.MaxMessagesPerMailbox,
                    storageQuota ?? options.Value.MaxBytesPerMailbox, now);
                await setup.SetUpAsync(tx, mailboxId);
                return (mailboxId, await keys.IssueMailboxKeyAsync(tx, mailboxId, "default"));
            });
            logger.LogInformation("Created mailbox {Address}", address);
            return new CreatedMailbox((await mailboxes.FindByIdAsync(id))!, chosenPassword, key);
        }
        catch (DuplicateKeyException) // the address is taken
        {
            throw new MailServerException(ErrorKind.AlreadyExists, $"The mailbox {address} already exists.");
        }
    }

    public Task<IReadOnlyList<MailboxRecord>> ListAsync(string? domain) =>
        mailboxes.ListAsync(string.IsNullOrWhiteSpace(domain) ? null : domain.Trim().ToLowerInvariant());

    public async Task<MailboxRecord> GetAsync(string? address)
    {
        if (!EmailAddress.TryParse(address, out var parsed))
            throw new MailServerException(ErrorKind.InvalidArgument, $"address: '{EmailAddress.Shorten(address)}' is not a valid email address.");
        return await mailboxes.FindByAddressAsync(parsed.ToString())
               ?? throw new MailServerException(ErrorKind.NotFound, $"No mailbox {parsed}.");
    }

    /// <summary>The mailbox <paramref name="address"/> names, if the caller may touch it. A mailbox key naming
    /// another mailbox gets 403 before any lookup, whether or not that mailbox exists, so keys cannot probe
    /// for addresses.</summary>
    public async Task<MailboxRecord> GetForAsync(Caller caller, string? address)
    {
        if (!caller.IsAdmin)
        {
            if (!EmailAddress.TryParse(address, out var parsed))
                throw new MailServerException(ErrorKind.InvalidArgument, $"address: '{EmailAddress.Shorten(address)}' is not a valid email address.");
            if (parsed.ToString() != caller.MailboxAddress)
                throw new MailServerException(ErrorKind.PermissionDenied, $"This API key belongs to {caller.MailboxAddress} and cannot access {parsed}.");
        }
        var mailbox = await GetAsync(address);
        if (!caller.CanAccessMailbox(mailbox.Id))
            throw new MailServerException(ErrorKind.PermissionDenied, $"This API key cannot access {mailbox.Address}.");
        return mailbox;
    }

    public async Task<MailboxRecord> SetActiveAsync(string? address, bool active)
    {
        var mailbox = await GetAsync(address);
        await store.WriteAsync(tx => mailboxes.SetActiveAsync(tx, mailbox.Id, active));
        if (active) revocations.MailboxEnabled(mailbox.Address);
        else revocations.MailboxDisabled(mailbox.Address);
        logger.LogInformation("{Action} mailbox {Address}", active ? "Enabled" : "Disabled", mailbox.Address);
        return (await mailboxes.FindByIdAsync(mailbox.Id))!;
    }

    /// <summary>Sets the quotas given, keeping the others. Every door reads them inside the write that stores, so the next
    /// message is held to them, in every session already open.</summary>
    public async Task<MailboxRecord> SetQuotaAsync(string? address, long? quota, long? storageQuota)
    {
        CheckQuotas(quota, storageQuota);
        var mailbox = await GetAsync(address);
        await store.WriteAsync(tx => mailboxes.SetQuotaAsync(tx, mailbox.Id, quota ?? mailbox.Quota, storageQuota ?? mailbox.StorageQuota));
        logger.LogInformation("Set the quotas of mailbox {Address}: {Quota} messages, {StorageQuota} bytes", mailbox.Address,
            quota ?? mailbox.Quota, storageQuota ?? mailbox.StorageQuota);
        return (await mailboxes.FindByIdAsync(mailbox.Id))!;
    }

    private static void CheckQuotas(long? quota, long? storageQuota)
    {
        if (quota is < 1)
            throw new MailServerException(ErrorKind.InvalidArgument, "quota must be a positive number of messages.");
        if (storageQuota is < 1024)
            throw new MailServerException(ErrorKind.InvalidArgument, "storage_quota must be at least 1024 bytes.");
    }

    public async Task<string> ResetPasswordAsync(string? address, string? password)
    {
        var mailbox = await GetAsync(address);
        var chosen = password is null ? PasswordHasher.Generate() : PasswordPolicy.Check(password);
        var hash = PasswordHasher.Hash(chosen);
        await store.WriteAsync(tx => mailboxes.SetPasswordHashAsync(tx, mailbox.Id, hash));
        revocations.PasswordChanged(mailbox.Address);
        logger.LogInformation("Reset the password of mailbox {Address}", mailbox.Address);
        return chosen;
    }

    public async Task<IssuedKey> IssueKeyAsync(string? address, string? name)
    {
        var mailbox = await GetAsync(address);
        var label = string.IsNullOrWhiteSpace(name) ? "unnamed" : name.Trim();
        if (label.Length > 100) throw new MailServerException(ErrorKind.InvalidArgument, "name must be at most 100 characters.");
        var key = await store.WriteAsync(tx => keys.IssueMailboxKeyAsync(tx, mailbox.Id, label));
        logger.LogInformation("Issued API key {KeyId} for mailbox {Address}", key.Id, mailbox.Address);
        return key;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
