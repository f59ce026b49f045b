using MimeKit.Cryptography;
using OpenMailserver.Server.Dns;
using Org.BouncyCastle.Crypto;

namespace OpenMailserver.Server.MailAuthentication;

/// <summary>Finds a signer's public key where RFC 6376 §3.6.2 puts it: the TXT record at
/// <c>&lt;selector&gt;._domainkey.&lt;domain&gt;</c>.</summary>
public sealed class DnsDkimKeyLocator(DnsResolver dns) : DkimPublicKeyLocatorBase
{
    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        LocatePublicKeyAsync(methods, domain, selector, cancellationToken).GetAwaiter().GetResult();

    public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector,
        CancellationToken cancellationToken = default)
    {
        var name = $"{selector}._domainkey.{domain}";
        var record = (await dns.LookupTxtAsync(name, cancellationToken)).FirstOrDefault(r => r.Contains("p=", StringComparison.Ordinal))
                     ?? throw new DkimKeyMissingException($"No DKIM key is published at {name}.");
        return GetPublicKey(record);
    }
}

/// <summary>The signature names a key that is not published: a permanent error (RFC 6376 §6.1.2).</summary>
public sealed class DkimKeyMissingException(string message) : Exception(message);
