using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>A raw IMAP conversation over a real socket: send exact bytes, read responses up to the tagged
/// completion, so tests can assert on exactly what the server says.</summary>
public sealed class ImapConversation : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly List<byte> _pending = [];
    private int _tag;

    private ImapConversation(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    public string Greeting { get; private set; } = "";

    public static async Task<ImapConversation> OpenAsync(int port, bool implicitTls)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var conversation = new ImapConversation(tcp, tcp.GetStream());
        if (implicitTls) await conversation.UpgradeAsync();
        conversation.Greeting = await conversation.LineAsync() ?? "<closed>";
        return conversation;
    }

    public static async Task<ImapConversation> LoginAsync(MailServer server, TestMailbox box)
    {
        var imap = await OpenAsync(server.Started().ImapTlsPort, implicitTls: true);
        var login = await imap.CommandAsync($"LOGIN {box.Address} \"{box.Password}\"");
        if (!login.Last().Contains(" OK ")) throw new InvalidOperationException(string.Join("\n", login));
        return imap;
    }

    /// <summary>APPENDs a small message with this subject (a LITERAL+ literal) and returns its UID from APPENDUID.</summary>
    public async Task<long> AppendAsync(string folder, string subject, string flags = "")
    {
        var message = $"Subject: {subject}\r\n\r\nbody of {subject}\r\n";
        var tag = "P" + Guid.NewGuid().ToString("N")[..6];
        await SendAsync($"{tag} APPEND {folder} {(flags.Length > 0 ? $"({flags}) " : "")}{{{message.Length}+}}\r\n{message}\r\n");
        var done = (await UntilTaggedAsync(tag)).Last();
        var uid = System.Text.RegularExpressions.Regex.Match(done, @"^\S+ OK \[APPENDUID \d+ (\d+)\]");
        if (!uid.Success) throw new InvalidOperationException(done);
        return long.Parse(uid.Groups[1].Value);
    }

    /// <summary>Turns on DEFLATE after a COMPRESS DEFLATE the server accepted.</summary>
    public DeflateClientStream StartDeflate()
    {
        var deflate = new DeflateClientStream(_stream);
        _stream = deflate;
        return deflate;
    }

    public async Task UpgradeAsync()
    {
        var tls = new SslStream(_stream, false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        _stream = tls;
        _pending.Clear();
    }

    /// <summary>Sends <c>Tn command</c> and returns every line up to and including the tagged one.</summary>
    public async Task<List<string>> CommandAsync(string command)
    {
        var tag = "T" + ++_tag;
        await SendAsync($"{tag} {command}\r\n");
        return await UntilTaggedAsync(tag);
    }

    /// <summary>Sends a command with the given tag (for replaying exchanges as written).</summary>
    public async Task<List<string>> CommandAsyncTagged(string tag, string command)
    {
        await SendAsync($"{tag} {command}\r\n");
        return await UntilTaggedAsync(tag);
    }

    public async Task<List<string>> UntilTaggedAsync(string tag, TimeSpan? timeout = null)
    {
        var lines = new List<string>();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var line = await LineAsync(cts.Token) ?? throw new IOException("Connection closed; so far:\n" + string.Join("\n", lines));
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal)) return lines;
        }
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>One line (literals are returned inline, as raw text, including their CRLFs).</summary>
    public async Task<string?> LineAsync(CancellationToken cancellationToken = default)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var index = IndexOfLineEnd();
            if (index >= 0)
            {
                var text = Encoding.UTF8.GetString(_pending.GetRange(0, index).ToArray());
                _pending.RemoveRange(0, index + 2);
                // A line ending in {n} is followed by n bytes of literal and the rest of the line.
                var match = System.Text.RegularExpressions.Regex.Match(text, @"\{(\d+)\}$");
                if (match.Success)
                {
                    var length = int.Parse(match.Groups[1].Value);
                    while (_pending.Count < length)
                    {
                        var read = await _stream.ReadAsync(buffer, cancellationToken);
                        if (read == 0) return null;
                        _pending.AddRange(buffer.AsSpan(0, read).ToArray());
                    }
                    var literal = Encoding.UTF8.GetString(_pending.GetRange(0, length).ToArray());
                    _pending.RemoveRange(0, length);
                    var rest = await LineAsync(cancellationToken);
                    return text + "\r\n" + literal + rest;
                }
                return text;
            }
            int count;
            try
            {
                count = await _stream.ReadAsync(buffer, cancellationToken);
            }
            catch (IOException)
            {
                return null;
            }
            if (count == 0) return null;
            _pending.AddRange(buffer.AsSpan(0, count).ToArray());
        }
    }

    private int IndexOfLineEnd()
    {
        for (var i = 0; i + 1 < _pending.Count; i++)
            if (_pending[i] == '\r' && _pending[i + 1] == '\n') return i;
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
