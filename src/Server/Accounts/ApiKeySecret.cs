using System.Security.Cryptography;
using System.Text;

namespace OpenMailserver.Server.Accounts;

/// <summary>Raw API keys (<c>oms_</c> + 256 random bits, base64url) and the SHA-256 that is all we store.
/// A key has full entropy, so an unsalted fast hash is enough: nothing can be guessed from it.</summary>
public static class ApiKeySecret
{
    public const string Prefix = "oms_";

    public static string Generate() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(string rawKey) => SHA256.HashData(Encoding.UTF8.GetBytes(rawKey));

    /// <summary>The part shown in listings to recognise a key.</summary>
    public static string DisplayPrefix(string rawKey) => rawKey.Length <= 12 ? rawKey : rawKey[..12];
}
