using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>A DKIM key locator that answers every lookup with one published TXT record's key.</summary>
public sealed class PublishedDkimKey(string record) : DkimPublicKeyLocatorBase
{
    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        GetPublicKey(record);

    public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        Task.FromResult(GetPublicKey(record));
}
