using System.Buffers.Binary;

namespace OpenMailserver.Server.Operations.Backup;

/// <summary>The encrypted archive: a header (magic and a random nonce prefix), then a TAR stream cut into
/// chunks of up to 1 MiB, each sealed with AES-256-GCM. A chunk's nonce is the prefix and its number; its
/// associated data is the header, its number and whether it is the last, so chunks cannot be reordered,
/// dropped, or cut off at the end without the tag check failing. Memory stays at one chunk however large
/// the store.</summary>
public static class BackupFormat
{
    public const int ChunkSize = 1024 * 1024;
    public const int TagSize = 16;
    public const int KeySize = 32;
    public static ReadOnlySpan<byte> Magic => "OMSBAK01"u8;
    public const int NoncePrefixSize = 8;
    public const int HeaderSize = 8 + NoncePrefixSize;

    public static byte[] Nonce(ReadOnlySpan<byte> header, uint chunk)
    {
        var nonce = new byte[12];
        header.Slice(Magic.Length, NoncePrefixSize).CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(NoncePrefixSize), chunk);
        return nonce;
    }

    public static byte[] AssociatedData(ReadOnlySpan<byte> header, uint chunk, bool last)
    {
        var data = new byte[HeaderSize + 5];
        header.CopyTo(data);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(HeaderSize), chunk);
        data[^1] = last ? (byte)1 : (byte)0;
        return data;
    }
}

/// <summary>The archive cannot be read: wrong key, damaged, truncated, or not a backup at all.</summary>
public sealed class BackupCorruptException(string message) : Exception(message);
