extern alias ServerAssembly;
using System.Numerics;
using CsCheck;
using OpenMailserver.Tests.Infrastructure;
using ServerAssembly::OpenMailserver.Server.MailAuthentication;
using Org.BouncyCastle.Crypto.Parameters;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>DKIM key records come from the signer's DNS: whatever a record holds, parsing it gives a key
/// within <see cref="DkimKeyPolicy"/> or <see cref="DkimKeyRecordException"/>, and never costs RSA work.</summary>
public sealed class DkimKeyRecordPropertyTests
{
    [Fact]
    public void Random_records_give_a_key_or_the_record_error()
    {
        var noise = Gen.OneOf<string>(
            Gen.String[0, 60],
            Gen.String[Gen.Char["v=DKIM1;k=rsaed25519p= /+AZaz09"], 0, 80],
            Gen.Byte.Array[0, 600].Select(bytes => "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(bytes)),
            Gen.Byte.Array[0, 40].Select(bytes => "k=ed25519; p=" + Convert.ToBase64String(bytes)));
        noise.Sample(record => ParseOrRefuse(record), iter: 20_000, threads: 1);
    }

    [Fact]
    public void Keys_of_any_size_and_exponent_are_accepted_only_within_the_policy()
    {
        var gen = Gen.Select(Gen.Int[1, 8400], Gen.OneOf(Gen.Int[0, 70_000].Select(e => new BigInteger(e)), Gen.Int[17, 4096].Select(bits => RsaPublicKeys.OddNumber(bits))));
        gen.Sample((bits, exponent) =>
        {
            var modulus = RsaPublicKeys.OddNumber(bits);
            var record = "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(RsaPublicKeys.SubjectPublicKeyInfo(modulus, exponent));
            var inPolicy = bits is >= DkimKeyPolicy.MinBits and <= DkimKeyPolicy.MaxBits && exponent >= 3 && !exponent.IsEven &&
                           exponent.GetBitLength() <= DkimKeyPolicy.MaxExponentBits;
            var key = ParseOrRefuse(record);
            if (!inPolicy) Assert.Null(key);
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void A_real_2048_bit_key_is_read_as_published()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var key = Assert.IsType<RsaKeyParameters>(DnsDkimKeyLocator.ParseRecord("v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo())));
        Assert.Equal(2048, key.Modulus.BitLength);
        Assert.Equal(65537, key.Exponent.IntValue);
    }

    /// <returns>The key, or null when the record was refused with its own error.</returns>
    private static RsaKeyParameters? ParseOrRefuse(string record)
    {
        try
        {
            var key = DnsDkimKeyLocator.ParseRecord(record);
            if (key is not RsaKeyParameters rsa) return null;
            Assert.InRange(rsa.Modulus.BitLength, DkimKeyPolicy.MinBits, DkimKeyPolicy.MaxBits);
            Assert.InRange(rsa.Exponent.BitLength, 2, DkimKeyPolicy.MaxExponentBits);
            return rsa;
        }
        catch (DkimKeyRecordException e)
        {
            Assert.Contains(e.Result, new[] { "permerror", "policy" });
            return null;
        }
    }
}
