using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OpenMailserver.Server.Operations.Backup;

/// <summary>Write-only: seals what is written into <see cref="BackupFormat"/> chunks on
/// <paramref name="inner"/>; disposing writes the last chunk (which may be empty).</summary>
public sealed class EncryptingStream : Stream
{
    private readonly Stream _inner;
    private readonly AesGcm _aes;
    private readonly byte[] _header = new byte[BackupFormat.HeaderSize];
    private readonly byte[] _plain = new byte[BackupFormat.ChunkSize];
    private int _filled;
    private uint _chunk;
    private bool _closed;

    public EncryptingStream(Stream inner, byte[] key)
    {
        _inner = inner;
        _aes = new AesGcm(key, BackupFormat.TagSize);
        BackupFormat.Magic.CopyTo(_header);
        RandomNumberGenerator.Fill(_header.AsSpan(BackupFormat.Magic.Length));
        _inner.Write(_header);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            if (_filled == _plain.Length) Seal(last: false);
            var take = Math.Min(buffer.Length, _plain.Length - _filled);
            buffer[..take].CopyTo(_plain.AsSpan(_filled));
            _filled += take;
            buffer = buffer[take..];
        }
    }

    private void Seal(bool last)
    {
        var cipher = new byte[_filled];
        var tag = new byte[BackupFormat.TagSize];
        _aes.Encrypt(BackupFormat.Nonce(_header, _chunk), _plain.AsSpan(0, _filled), cipher, tag, BackupFormat.AssociatedData(_header, _chunk, last));
        Span<byte> frame = stackalloc byte[5];
        frame[0] = last ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32BigEndian(frame[1..], cipher.Length);
        _inner.Write(frame);
        _inner.Write(cipher);
        _inner.Write(tag);
        _chunk++;
        _filled = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_closed)
        {
            _closed = true;
            Seal(last: true);
            _inner.Flush();
            _aes.Dispose();
        }
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
