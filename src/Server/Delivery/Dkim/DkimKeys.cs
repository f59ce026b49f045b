using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using MimeKit.Cryptography;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Delivery.Dkim;

/// <summary>One 2048-bit RSA signing key per hosted domain, kept as PEM in <c>&lt;DataDirectory&gt;/dkim</c>
/// (mode 0600). The private key leaves this class only as a <see cref="DkimSigner"/>; what the rest of
/// the server (and the DNS plan) sees is the public TXT record.</summary>
public sealed class DkimKeys(IOptions<DeliveryOptions> delivery, IOptions<StorageOptions> storage, ILogger<DkimKeys> logger) : INewDomainSetup
{
    private readonly ConcurrentDictionary<string, RSA> _keys = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DkimSigner> _signers = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _creating = new(1, 1);

    public string Selector => delivery.Value.DkimSelector;

    private string Directory => Path.Combine(storage.Value.DataDirectory, "dkim");

    /// <summary>Creates the domain's key unless it exists already.</summary>
    public async Task EnsureAsync(string domain) => await LoadAsync(domain);

    /// <summary>The value of the TXT record at <c>&lt;selector&gt;._domainkey.&lt;domain&gt;</c>.</summary>
    public async Task<string> PublicRecordAsync(string domain)
    {
        var key = await LoadAsync(domain);
        return "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>A signer for mail from <paramref name="domain"/>: rsa-sha256, relaxed/relaxed (RFC 6376). One per
    /// domain, kept: a signer holds only its key and settings, and each signature gets its own context.</summary>
    public async Task<DkimSigner> SignerAsync(string domain)
    {
        if (_signers.TryGetValue(domain, out var signer)) return signer;
        var key = await LoadAsync(domain);
        using var pem = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(key.ExportRSAPrivateKeyPem()));
        return _signers[domain] = new RsaDkimSigner(key, pem, domain.ToLowerInvariant(), Selector);
    }

    private async Task<RSA> LoadAsync(string domain)
    {
        domain = domain.ToLowerInvariant();
        if (_keys.TryGetValue(domain, out var cached)) return cached;
        await _creating.WaitAsync();
        try
        {
            if (_keys.TryGetValue(domain, out cached)) return cached;
            var path = Path.Combine(Directory, domain + ".pem");
            var rsa = RSA.Create();
            if (File.Exists(path))
            {
                rsa.ImportFromPem(await File.ReadAllTextAsync(path));
            }
            else
            {
                rsa.KeySize = 2048;
                await WriteAsync(path, rsa.ExportRSAPrivateKeyPem());
                logger.LogInformation("Created the DKIM key for {Domain} (selector {Selector})", domain, Selector);
            }
            _keys[domain] = rsa;
            return rsa;
        }
        finally
        {
            _creating.Release();
        }
    }

    /// <summary>Written under a temporary name, synced and renamed, so a crash never leaves half a key.</summary>
    private async Task WriteAsync(string path, string pem)
    {
        if (!OperatingSystem.IsWindows())
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        else
            System.IO.Directory.CreateDirectory(Directory);
        var temporary = path + ".tmp";
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var file = new FileStream(temporary, create))
        {
            await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes(pem));
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(Directory);
    }
}
