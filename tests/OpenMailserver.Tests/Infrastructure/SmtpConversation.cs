using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>A raw SMTP conversation over a real socket, to test exactly what goes over the wire: send
/// bytes, read whole replies (multi-line ones too).</summary>
public sealed class SmtpConversation : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly StringBuilder _pending = new();

    private SmtpConversation(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    public static async Task<SmtpConversation> OpenAsync(int port, bool implicitTls = false)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        Stream stream = tcp.GetStream();
        var conversation = new SmtpConversation(tcp, stream);
        if (implicitTls) await conversation.UpgradeAsync();
        return conversation;
    }

    /// <summary>One plain MX transaction: EHLO, MAIL, RCPT, DATA with <paramref name="message"/> (CRLF lines,
    /// no line starting with a dot), QUIT. <paramref name="beforeData"/> runs just before the message is
    /// sent and <paramref name="afterData"/> as soon as the reply to it is read, to measure what the DATA costs.</summary>
    /// <returns>The reply to the end of data.</returns>
    public static async Task<string> DeliverAsync(int port, string from, string to, byte[] message, Action? beforeData = null, Action? afterData = null)
    {
        await using var smtp = await OpenAsync(port);
        Assert.StartsWith("220", await smtp.ReplyAsync());
        Assert.StartsWith("250", await smtp.CommandAsync("EHLO sender.test"));
        Assert.StartsWith("250", await smtp.CommandAsync($"MAIL FROM:<{from}>"));
        Assert.StartsWith("250", await smtp.CommandAsync($"RCPT TO:<{to}>"));
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"));
        beforeData?.Invoke();
        await smtp.SendAsync(message);
        await smtp.SendAsync(".\r\n");
        var reply = await smtp.ReplyAsync(TimeSpan.FromSeconds(60));
        afterData?.Invoke();
        await smtp.CommandAsync("QUIT");
        return reply;
    }

    public async Task UpgradeAsync()
    {
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        _stream = tls;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends one line (CRLF added) and returns the reply.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReplyAsync();
    }

    /// <summary>Reads one complete reply: lines until one whose fourth character is a space.</summary>
    public async Task<string> ReplyAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(cts.Token);
            if (line is null) return lines.Count == 0 ? "<closed>" : string.Join("\n", lines) + "\n<closed>";
            lines.Add(line);
            if (line.Length < 4 || line[3] == ' ') return string.Join("\n", lines);
        }
    }

    /// <summary>True when the server closed the connection (reads return nothing) within the timeout.</summary>
    public async Task<bool> ClosedAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await ReadLineAsync(cts.Token);
                if (line is null) return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[1];
        while (true)
        {
            var text = _pending.ToString();
            var end = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _pending.Remove(0, end + 2);
                return text[..end];
            }
            int read;
            try
            {
                read = await _stream.ReadAsync(buffer, cancellationToken);
            }
            catch (IOException)
            {
                return null;
            }
            if (read == 0) return null;
            _pending.Append((char)buffer[0]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
