using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

/// <summary>The key is checked from the headers before any body is read, over real sockets: an unauthenticated
/// caller cannot make the server take in a large body, on REST or native gRPC.</summary>
public sealed class ApiKeyGateTests
{
    private const int ThirtyMegabytes = 30 * 1024 * 1024;

    [Theory]
    [InlineData(null)]
    [InlineData("oms_not-a-key-the-server-knows")]
    public async Task An_unauthenticated_30_MB_post_gets_401_at_once_and_the_body_is_not_read(string? key)
    {
        await using var server = new ServerFactory();
        server.OverSockets();
        _ = server.AdminKey; // started

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.HttpPort);
        var stream = tcp.GetStream();
        var clock = Stopwatch.StartNew();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /v1/mail/send HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {ThirtyMegabytes}\r\n" +
            (key is null ? "" : $"X-OpenMailserver-Key: {key}\r\n") + "\r\n"));
        long sent = 0;
        var sending = Task.Run(async () =>
        {
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)' ');
            try
            {
                while (sent < ThirtyMegabytes)
                {
                    await stream.WriteAsync(chunk);
                    Interlocked.Add(ref sent, chunk.Length);
                }
            }
            catch (IOException)
            {
                // The server closed the connection: what the test expects.
            }
        });

        var response = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read;
        try
        {
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0) response.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        catch (IOException)
        {
            // Reset after the answer, since the body was left unread.
        }
        var answered = clock.Elapsed;
        await sending.WaitAsync(TimeSpan.FromSeconds(10));

        var text = response.ToString();
        Assert.StartsWith("HTTP/1.1 401 Unauthorized\r\n", text);
        Assert.Contains("Connection: close\r\n", text);
        Assert.Contains(key is null
            ? """{"code":16,"message":"Missing API key: send it in the X-OpenMailserver-Key header.","details":[]}"""
            : """{"code":16,"message":"The API key is not valid: it is unknown, revoked, or its mailbox is disabled.","details":[]}""", text);
        Assert.True(answered < TimeSpan.FromSeconds(3), $"answered after {answered}");
        // What the kernel's socket buffers took in before the server closed, not the body.
        Assert.True(Interlocked.Read(ref sent) < ThirtyMegabytes / 3, $"{Interlocked.Read(ref sent)} bytes of the body were accepted");
    }

    [Fact]
    public async Task A_native_grpc_call_without_a_key_is_refused_before_its_message_is_read()
    {
        await using var server = new ServerFactory();
        server.OverSockets();
        _ = server.AdminKey;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{server.GrpcPort}", new GrpcChannelOptions { MaxSendMessageSize = null });
        var request = new OpenMailserver.V1.SendMailRequest { Sender = "a@example.test", Recipients = { "b@example.test" }, Subject = "big", TextBody = new string('x', 20 * 1024 * 1024) };
        var clock = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await new OpenMailserver.V1.Mail.MailClient(channel).SendMailAsync(request));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal("Missing API key: send it in the X-OpenMailserver-Key header.", refused.Status.Detail);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }
}
