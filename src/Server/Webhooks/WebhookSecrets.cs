using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Webhooks;

/// <summary>Signing secrets: HMAC-SHA256 of a webhook's random nonce under a server key kept in
/// <c>&lt;DataDirectory&gt;/webhook-signing.key</c> (0600), so the database alone does not give them away and the
/// secret can still be shown once and used to sign every delivery.</summary>
public sealed class WebhookSecrets(IOptions<StorageOptions> storage)
{
    public const string FileName = "webhook-signing.key";
    private readonly Lazy<byte[]> _key = new(() => LoadOrCreate(Path.Combine(storage.Value.DataDirectory, FileName)));

    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(32);

    public string SecretFor(byte[] nonce) => "whsec_" + Convert.ToBase64String(HMACSHA256.HashData(_key.Value, nonce)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The signature header value: v1= the hex HMAC-SHA256, under the secret, of "timestamp.body".</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = System.Text.Encoding.ASCII.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), signed));
    }

    private static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());
        var key = RandomNumberGenerator.GetBytes(32);
        // Durable before the first secret derived from it is shown: losing the file would invalidate them all.
        Storage.DurableFile.Write(path, System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(key)), overwrite: false);
        return key;
    }
}
