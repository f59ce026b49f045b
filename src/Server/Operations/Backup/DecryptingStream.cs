using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OpenMailserver.Server.Operations.Backup;

/// <summary>Read-only: opens <see cref="BackupFormat"/> chunks from <paramref name="inner"/>, checking each
/// tag; a wrong key, a changed byte, reordered chunks or a missing end raise <see cref="BackupCorruptException"/>.</summary>
public sealed class DecryptingStream : Stream
{
    private readonly Stream _inner;
    private readonly AesGcm _aes;
    private readonly byte[] _header = new byte[BackupFormat.HeaderSize];
    private byte[] _plain = [];
    private int _position;
    private uint _chunk;
    private bool _ended;

    public DecryptingStream(Stream inner, byte[] key)
    {
        _inner = inner;
        _aes = new AesGcm(key, BackupFormat.TagSize);
        if (!FillFromInner(_header) || !_header.AsSpan(0, BackupFormat.Magic.Length).SequenceEqual(BackupFormat.Magic))
            throw new BackupCorruptException("This is not an Open Mailserver backup (no OMSBAK01 header).");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_position == _plain.Length)
        {
            if (_ended) return 0;
            Open();
        }
        var take = Math.Min(buffer.Length, _plain.Length - _position);
        _plain.AsSpan(_position, take).CopyTo(buffer);
        _position += take;
        return take;
    }

    private void Open()
    {
        Span<byte> frame = stackalloc byte[5];
        if (!FillFromInner(frame)) throw new BackupCorruptException($"The archive is truncated: it ends after chunk {_chunk} without its final chunk.");
        var last = frame[0] == 1;
        var length = BinaryPrimitives.ReadInt32BigEndian(frame[1..]);
        if (frame[0] > 1 || length < 0 || length > BackupFormat.ChunkSize)
            throw new BackupCorruptException($"Chunk {_chunk} has a damaged frame.");
        var cipher = new byte[length];
        var tag = new byte[BackupFormat.TagSize];
        if (!FillFromInner(cipher) || !FillFromInner(tag)) throw new BackupCorruptException($"The archive is truncated inside chunk {_chunk}.");
        var plain = new byte[length];
        try
        {
            _aes.Decrypt(BackupFormat.Nonce(_header, _chunk), cipher, tag, plain, BackupFormat.AssociatedData(_header, _chunk, last));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new BackupCorruptException(_chunk == 0
                ? "The first chunk does not decrypt: the key is wrong, or the archive is damaged."
                : $"Chunk {_chunk} does not decrypt: the archive is damaged or was altered.");
        }
        _plain = plain;
        _position = 0;
        _chunk++;
        if (last)
        {
            _ended = true;
            if (_inner.ReadByte() != -1) throw new BackupCorruptException("There are bytes after the final chunk: the archive was altered.");
        }
    }

    private bool FillFromInner(Span<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = _inner.Read(buffer[read..]);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _aes.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
