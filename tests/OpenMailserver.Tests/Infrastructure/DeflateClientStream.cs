using System.IO.Compression;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>A client's side of IMAP COMPRESS=DEFLATE (RFC 4978): reads inflate what the server sent, writes deflate
/// with a sync flush at every flush; counts the bytes on the wire and after inflating, to measure what it saves.</summary>
public sealed class DeflateClientStream : Stream
{
    private readonly Counted _wire;
    private readonly DeflateStream _inflate;
    private readonly DeflateStream _deflate;

    public DeflateClientStream(Stream inner)
    {
        _wire = new Counted(inner);
        _inflate = new DeflateStream(_wire, CompressionMode.Decompress, leaveOpen: true);
        _deflate = new DeflateStream(inner, CompressionLevel.Optimal, leaveOpen: true);
    }

    /// <summary>Compressed bytes read from the connection.</summary>
    public long WireBytesRead => _wire.BytesRead;

    /// <summary>Bytes read after inflating them.</summary>
    public long BytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Counting(_inflate.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counting(await _inflate.ReadAsync(buffer, cancellationToken));

    private int Counting(int read)
    {
        BytesRead += read;
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count) => _deflate.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _deflate.WriteAsync(buffer, cancellationToken);

    public override void Flush() => _deflate.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _deflate.FlushAsync(cancellationToken);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    private sealed class Counted(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            BytesRead += read;
            return read;
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
