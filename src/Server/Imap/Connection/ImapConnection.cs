using System.IO.Compression;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace OpenMailserver.Server.Imap.Connection;

/// <summary>The bytes under one IMAP session: input and output as pipes over the socket's stream (TLS or
/// not), which STARTTLS and COMPRESS replace in place. The stream itself belongs to the listener, which closes it.</summary>
public sealed class ImapConnection
{
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true);
    private static readonly StreamPipeWriterOptions WriterOptions = new(minimumBufferSize: 16 * 1024, leaveOpen: true);

    /// <summary>As long as the implicit-TLS port gives a handshake.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);

    private readonly Action? _afterRead;
    private readonly TimeSpan _writeTimeout;
    private Stream _stream;
    private PipeReader _input;
    private PipeWriter _output;
    private DeflateStream[] _compression = [];

    /// <param name="afterRead">Called after each read from the network (see <see cref="ImapListener"/>).</param>
    /// <param name="writeTimeout">How long a reply may take to leave: a client that stops reading its replies
    /// must not hold its session, and the slots it counts in, for ever.</param>
    public ImapConnection(Stream stream, Action? afterRead, TimeSpan writeTimeout)
    {
        _afterRead = afterRead;
        _writeTimeout = writeTimeout;
        (_stream, _input, _output) = (stream, PipeReader.Create(stream, ReaderOptions), PipeWriter.Create(stream, WriterOptions));
        Reader = new LineReader(_input, afterRead);
    }

    public LineReader Reader { get; private set; }

    public bool IsSecure => _stream is SslStream;

    public bool IsCompressed { get; private set; }

    /// <summary>Writes and flushes within the write timeout.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_writeTimeout);
        try
        {
            await _output.WriteAsync(bytes, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"The client read no reply for {_writeTimeout}");
        }
    }

    /// <summary>Upgrades the connection in place after STARTTLS. Anything the client pipelined after the
    /// command in cleartext is discarded with the old input pipe (it could have been injected on the path).
    /// A handshake that fails or takes longer than <see cref="HandshakeTimeout"/> ends the connection (an
    /// <see cref="IOException"/>): there is no going back to cleartext.</summary>
    public async Task StartTlsAsync(X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        await _input.CompleteAsync();
        await _output.CompleteAsync();
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(HandshakeTimeout);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            }, deadline.Token);
        }
        catch (Exception e) when (e is AuthenticationException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new IOException($"TLS negotiation after STARTTLS failed: {e.Message}", e);
        }
        (_stream, _input, _output) = (tls, PipeReader.Create(tls, ReaderOptions), PipeWriter.Create(tls, WriterOptions));
        Reader = new LineReader(_input, _afterRead);
    }

    /// <summary>Turns on COMPRESS=DEFLATE (RFC 4978) once the tagged OK has gone out: both directions become raw
    /// DEFLATE over the stream (TLS or not), and every flush of a reply is a sync flush, so the client can inflate
    /// it whole at once. A client may send nothing after COMPRESS before the OK, so the pipes start afresh.</summary>
    public async Task StartCompressionAsync()
    {
        await _input.CompleteAsync();
        await _output.CompleteAsync();
        var inflate = new DeflateStream(_stream, CompressionMode.Decompress, leaveOpen: true);
        var deflate = new DeflateStream(_stream, CompressionLevel.Fastest, leaveOpen: true);
        (_input, _output) = (PipeReader.Create(inflate, ReaderOptions), PipeWriter.Create(deflate, WriterOptions));
        Reader = new LineReader(_input, _afterRead);
        _compression = [inflate, deflate];
        IsCompressed = true;
    }

    /// <summary>Ends both pipes; the stream stays open for the listener's lingering close.</summary>
    public async Task CompleteAsync()
    {
        await _input.CompleteAsync();
        await _output.CompleteAsync();
        // Their native zlib state goes now, not when collected. Closing the deflating side writes its last block,
        // which a client that stopped reading would hold for ever: it gets a second, then the listener closes the socket.
        foreach (var stream in _compression)
        {
            try { await stream.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(1)); }
            catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException or InvalidOperationException or InvalidDataException or TimeoutException) { }
        }
    }
}
