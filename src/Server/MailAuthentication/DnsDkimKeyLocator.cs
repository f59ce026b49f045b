using System.Formats.Asn1;
using MimeKit.Cryptography;
using OpenMailserver.Server.Dns;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace OpenMailserver.Server.MailAuthentication;

/// <summary>Finds a signer's public key where RFC 6376 §3.6.2 puts it: the TXT record at
/// <c>&lt;selector&gt;._domainkey.&lt;domain&gt;</c>, and refuses keys outside <see cref="DkimKeyPolicy"/>
/// while they are still bytes, before any RSA work.</summary>
public sealed class DnsDkimKeyLocator(DnsResolver dns) : DkimPublicKeyLocatorBase
{
    private const string RsaEncryption = "1.2.840.113549.1.1.1";

    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        LocatePublicKeyAsync(methods, domain, selector, cancellationToken).GetAwaiter().GetResult();

    public override async Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector,
        CancellationToken cancellationToken = default)
    {
        var name = $"{selector}._domainkey.{domain}";
        var record = (await dns.LookupTxtAsync(name, cancellationToken)).FirstOrDefault(r => r.Contains("p=", StringComparison.Ordinal))
                     ?? throw new DkimKeyMissingException($"No DKIM key is published at {name}.");
        // The verifier does its RSA work as soon as it has the key: this is the last point the budget can stop it.
        cancellationToken.ThrowIfCancellationRequested();
        return ParseRecord(record);
    }

    /// <summary>The key of a DKIM key record (RFC 6376 §3.6.1).</summary>
    /// <exception cref="DkimKeyRecordException">The record is malformed, revoked, or its key is out of policy.</exception>
    public static AsymmetricKeyParameter ParseRecord(string record)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in record.Split(';'))
        {
            var equals = tag.IndexOf('=');
            if (equals > 0) tags.TryAdd(tag[..equals].Trim(), tag[(equals + 1)..]);
        }
        var keyType = tags.GetValueOrDefault("k")?.Trim() ?? "rsa";
        var data = new string((tags.GetValueOrDefault("p") ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray());
        if (data.Length == 0) throw DkimKeyRecordException.Malformed("the key is revoked (empty p=)");
        if (keyType.Equals("ed25519", StringComparison.OrdinalIgnoreCase))
        {
            // 32 bytes, no costly arithmetic to guard against (RFC 8463); MimeKit reads it.
            try
            {
                return GetPublicKey(record);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw DkimKeyRecordException.Malformed("the ed25519 key is malformed");
            }
        }
        if (!keyType.Equals("rsa", StringComparison.OrdinalIgnoreCase)) throw DkimKeyRecordException.Malformed("the key type is not rsa or ed25519");
        var bytes = new byte[data.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(data, bytes, out var length)) throw DkimKeyRecordException.Malformed("p= is not base64");

        System.Numerics.BigInteger modulus, exponent;
        try
        {
            // SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID, parameters }, BIT STRING { SEQUENCE { n, e } } }
            var info = new AsnReader(bytes.AsMemory(0, length), AsnEncodingRules.DER).ReadSequence();
            var algorithm = info.ReadSequence();
            if (algorithm.ReadObjectIdentifier() != RsaEncryption) throw DkimKeyRecordException.Malformed("p= is not an RSA key");
            var key = new AsnReader(info.ReadBitString(out _), AsnEncodingRules.DER).ReadSequence();
            modulus = key.ReadInteger();
            exponent = key.ReadInteger();
        }
        catch (AsnContentException)
        {
            throw DkimKeyRecordException.Malformed("p= is not a DER SubjectPublicKeyInfo");
        }
        if (DkimKeyPolicy.Refusal(modulus, exponent) is { } refusal) throw DkimKeyRecordException.OutOfPolicy(refusal);
        try
        {
            return new RsaKeyParameters(false, Big(modulus), Big(exponent));
        }
        catch (ArgumentException e)
        {
            throw DkimKeyRecordException.Malformed(e.Message);
        }
    }

    private static Org.BouncyCastle.Math.BigInteger Big(System.Numerics.BigInteger value) =>
        new(1, value.ToByteArray(isUnsigned: true, isBigEndian: true));
}

/// <summary>The signature names a key that is not published: a permanent error (RFC 6376 §6.1.2).</summary>
public sealed class DkimKeyMissingException(string message) : Exception(message);
