using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>A remote mail server for outbound tests, on real loopback sockets: it serves SMTP plainly
/// (no STARTTLS, no PIPELINING) or misbehaves as <see cref="Behavior"/> says, and counts what it saw. It can
/// listen on several loopback addresses at one port, as the hosts of one domain would.</summary>
public sealed class ScriptedMx : IAsyncDisposable
{
    public enum Behavior
    {
        /// <summary>Takes every message.</summary>
        Normal,
        /// <summary>Answers EHLO with 50 MB of reply lines.</summary>
        HugeEhlo,
        /// <summary>Sends its greeting one byte every two seconds.</summary>
        TrickleGreeting,
        /// <summary>Refuses every RCPT with a 60 KB, 100-line 550 reply.</summary>
        LongRefusal,
        /// <summary>Takes <see cref="SlowReplyDelay"/> before every reply, greeting included.</summary>
        SlowReplies,
        /// <summary>Greets with 421 and hangs up.</summary>
        Busy,
        /// <summary>Takes the first message of each session; hangs up, with no reply, once the second one is sent.</summary>
        HangUpAfterSecondMessage,
    }

    public static readonly TimeSpan SlowReplyDelay = TimeSpan.FromSeconds(1.5);
    public const long HugeReplyBytes = 50L * 1024 * 1024;

    private readonly Behavior _behavior;
    private readonly List<TcpListener> _listeners = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private int _connections;
    private int _messages;
    private long _bytesSent;

    public ScriptedMx(Behavior behavior, params IPAddress[] addresses)
    {
        _behavior = behavior;
        Port = TestPaths.FreeTcpPort();
        foreach (var address in addresses.Length == 0 ? [IPAddress.Loopback] : addresses)
        {
            var listener = new TcpListener(address, Port);
            listener.Start();
            _listeners.Add(listener);
            lock (_tasks) _tasks.Add(AcceptAsync(listener));
        }
    }

    public int Port { get; }
    public int Connections => Volatile.Read(ref _connections);
    public int Messages => Volatile.Read(ref _messages);
    /// <summary>Bytes written to clients, over all sessions.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    private async Task AcceptAsync(TcpListener listener)
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                lock (_tasks) _tasks.Add(Task.Run(() => ServeAsync(client)));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var connection = client;
        var stream = client.GetStream();
        var token = _stop.Token;
        try
        {
            switch (_behavior)
            {
                case Behavior.Busy:
                    await SendAsync(stream, "421 4.3.2 Busy, try another host\r\n", token);
                    return;
                case Behavior.TrickleGreeting:
                    foreach (var b in "220 slow.test ESMTP, one byte at a time, for as long as you will listen\r\n")
                    {
                        await SendAsync(stream, b.ToString(), token);
                        await Task.Delay(TimeSpan.FromSeconds(2), token);
                    }
                    break;
                default:
                    await ReplyAsync(stream, "220 fake.test ESMTP\r\n", token);
                    break;
            }
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            var received = 0;
            while (await reader.ReadLineAsync(token) is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" when _behavior == Behavior.HugeEhlo:
                        await SendHugeEhloAsync(stream, token);
                        break;
                    case "EHLO":
                        await ReplyAsync(stream, "250-fake.test\r\n250-8BITMIME\r\n250 SIZE 10000000\r\n", token);
                        break;
                    case "HELO" or "RSET" or "NOOP":
                        await ReplyAsync(stream, "250 2.0.0 OK\r\n", token);
                        break;
                    case "MAIL":
                        await ReplyAsync(stream, "250 2.1.0 OK\r\n", token);
                        break;
                    case "RCPT" when _behavior == Behavior.LongRefusal:
                        await ReplyAsync(stream, LongRefusal(), token);
                        break;
                    case "RCPT":
                        await ReplyAsync(stream, "250 2.1.5 OK\r\n", token);
                        break;
                    case "DATA":
                        await ReplyAsync(stream, "354 End data with <CR><LF>.<CR><LF>\r\n", token);
                        while (await reader.ReadLineAsync(token) is { } body && body != ".")
                        {
                        }
                        if (++received == 2 && _behavior == Behavior.HangUpAfterSecondMessage) return;
                        Interlocked.Increment(ref _messages);
                        await ReplyAsync(stream, "250 2.0.0 OK queued as FAKE1\r\n", token);
                        break;
                    case "QUIT":
                        await ReplyAsync(stream, "221 2.0.0 Bye\r\n", token);
                        return;
                    default:
                        await ReplyAsync(stream, "500 5.5.2 Unknown command\r\n", token);
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The client hung up (as it should on a hostile reply) or the test is over.
        }
    }

    /// <summary>100 lines, most of 600 bytes: within the line and line-count bounds, a 60 KB reply in all. Its
    /// second line reads like a field of a delivery status report, as a server forging one would write.</summary>
    public static string LongRefusal()
    {
        var text = new StringBuilder("550-5.1.1 No such user\r\n550-Action: delivered\r\n");
        for (var i = 0; i < 97; i++) text.Append("550-5.1.1 ").Append('x', 588).Append("\r\n");
        return text.Append("550 5.1.1 No such user here\r\n").ToString();
    }

    private async Task SendHugeEhloAsync(NetworkStream stream, CancellationToken token)
    {
        var line = Encoding.ASCII.GetBytes("250-" + new string('X', 1018) + "\r\n");
        var block = new byte[line.Length * 64];
        for (var i = 0; i < 64; i++) line.CopyTo(block, i * line.Length);
        for (long sent = 0; sent < HugeReplyBytes; sent += block.Length)
        {
            await stream.WriteAsync(block, token);
            Interlocked.Add(ref _bytesSent, block.Length);
        }
        await SendAsync(stream, "250 OK\r\n", token);
    }

    private async Task ReplyAsync(NetworkStream stream, string reply, CancellationToken token)
    {
        if (_behavior == Behavior.SlowReplies) await Task.Delay(SlowReplyDelay, token);
        await SendAsync(stream, reply, token);
    }

    private async Task SendAsync(NetworkStream stream, string text, CancellationToken token)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        await stream.WriteAsync(bytes, token);
        Interlocked.Add(ref _bytesSent, bytes.Length);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var listener in _listeners) listener.Stop();
        try
        {
            Task[] running;
            lock (_tasks) running = [.. _tasks];
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }
        _stop.Dispose();
    }
}
