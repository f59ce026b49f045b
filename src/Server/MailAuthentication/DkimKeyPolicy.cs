using System.Numerics;

namespace OpenMailserver.Server.MailAuthentication;

/// <summary>Which published RSA keys a signature is verified with. RFC 8301 §3.2: verifiers must accept
/// 1024 to 4096 bits and must not accept less. Beyond 4096 bits, or with a large public exponent, one
/// verification costs seconds of CPU (a modular exponentiation grows with the exponent's length and the
/// square of the modulus's), and anyone can publish such a key and sign with it: such keys are refused
/// before any RSA work. Real signers use 65537 (a few old ones 3); any odd exponent of at most 17 bits
/// costs no more than 65537 does, so that is the bound.</summary>
public static class DkimKeyPolicy
{
    public const int MinBits = 1024;
    public const int MaxBits = 4096;
    public const int MaxExponentBits = 17;

    /// <returns>Why the key is refused, or null when it may be used.</returns>
    public static string? Refusal(BigInteger modulus, BigInteger exponent)
    {
        var bits = modulus.Sign > 0 ? modulus.GetBitLength() : 0;
        if (bits < MinBits) return $"RSA key of {bits} bits is below the minimum of {MinBits}";
        if (bits > MaxBits) return $"RSA key of {bits} bits is above the maximum of {MaxBits}";
        if (exponent < 3 || exponent.IsEven || exponent.GetBitLength() > MaxExponentBits)
            return $"RSA public exponent of {exponent.GetBitLength()} bits is not an odd number of at most {MaxExponentBits} bits such as 65537";
        return null;
    }
}
