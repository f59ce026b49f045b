using System.Security.Cryptography;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace OpenMailserver.Server.Delivery.Dkim;

/// <summary>MimeKit's DKIM signer, with the RSA signature made by .NET's cryptography (the platform's
/// OpenSSL) instead of the managed BouncyCastle code, which is several times slower and was most of
/// the cost of sending a message.</summary>
public sealed class RsaDkimSigner : DkimSigner
{
    private readonly RSA _key;

    public RsaDkimSigner(RSA key, Stream pem, string domain, string selector) : base(pem, domain, selector, DkimSignatureAlgorithm.RsaSha256)
    {
        _key = key;
        HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
        BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
    }

    protected override ISigner CreateSigningContext() => new Context(_key);

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 over what MimeKit feeds it, in BouncyCastle's signer shape.</summary>
    private sealed class Context(RSA key) : ISigner
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public string AlgorithmName => "SHA-256withRSA";

        public void Init(bool forSigning, ICipherParameters parameters)
        {
        }

        public void Update(byte input) => _hash.AppendData([input]);

        public void BlockUpdate(byte[] input, int inOff, int inLen) => _hash.AppendData(input, inOff, inLen);

        public void BlockUpdate(ReadOnlySpan<byte> input) => _hash.AppendData(input);

        public int GetMaxSignatureSize() => key.KeySize / 8;

        // .NET does not promise that one RSA object may sign on two threads at once.
        public byte[] GenerateSignature()
        {
            var digest = _hash.GetHashAndReset();
            lock (key) return key.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        public bool VerifySignature(byte[] signature)
        {
            var digest = _hash.GetHashAndReset();
            lock (key) return key.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        public void Reset() => _hash.GetHashAndReset();
    }
}
