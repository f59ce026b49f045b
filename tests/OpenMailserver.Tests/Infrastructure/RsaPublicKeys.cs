using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>RSA public keys as a hostile DNS zone could publish them: any modulus and exponent, with no
/// private key behind them (verifying against one costs the same whether a signature could ever match).</summary>
public static class RsaPublicKeys
{
    /// <summary>A random odd number of exactly <paramref name="bits"/> bits.</summary>
    public static BigInteger OddNumber(int bits)
    {
        var bytes = RandomNumberGenerator.GetBytes((bits + 7) / 8);
        bytes[0] &= (byte)(0xFF >> ((8 - bits % 8) % 8));
        bytes[0] |= (byte)(1 << ((bits - 1) % 8));
        bytes[^1] |= 1;
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>The DER SubjectPublicKeyInfo of an RSA key, as the p= tag of a DKIM key record carries it.</summary>
    public static byte[] SubjectPublicKeyInfo(BigInteger modulus, BigInteger exponent)
    {
        var key = new AsnWriter(AsnEncodingRules.DER);
        using (key.PushSequence())
        {
            key.WriteInteger(modulus);
            key.WriteInteger(exponent);
        }
        var info = new AsnWriter(AsnEncodingRules.DER);
        using (info.PushSequence())
        {
            using (info.PushSequence())
            {
                info.WriteObjectIdentifier("1.2.840.113549.1.1.1");
                info.WriteNull();
            }
            info.WriteBitString(key.Encode());
        }
        return info.Encode();
    }
}
