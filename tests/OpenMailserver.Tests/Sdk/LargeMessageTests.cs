using OpenMailserver.Sdk;
using OpenMailserver.Tests.Infrastructure;
using OpenMailserver.V1;

namespace OpenMailserver.Tests.Sdk;

/// <summary>A message near the size limit, through the SDK's own channel to a real server process: gRPC
/// clients refuse answers over 4 MB unless told otherwise, and mail is often larger.</summary>
public sealed class LargeMessageTests
{
    [Fact]
    public async Task A_ten_megabyte_message_goes_out_and_comes_back_whole()
    {
        await using var server = await ServerProcess.StartAsync();
        using var admin = new OpenMailserverClient(server.GrpcBase, server.AdminKey);
        var created = await admin.CreateMailboxAsync("big", "example.test");
        using var agent = new OpenMailserverClient(server.GrpcBase, created.ApiKey.Key);
        var payload = new byte[10 << 20];
        new Random(7).NextBytes(payload);

        await agent.Mail.SendMailAsync(new SendMailRequest
        {
            Sender = "big@example.test", Recipients = { "big@example.test" }, Subject = "Scan", TextBody = "Attached.",
            Attachments = { OpenMailserverClient.Attachment("scan.bin", payload) },
        });

        var summary = Assert.Single(await agent.ListMessagesAsync("big@example.test"));
        var raw = await agent.GetRawMessageAsync("big@example.test", summary.Id);
        Assert.True(raw.Length > payload.Length * 4 / 3, $"raw message of {raw.Length} bytes");
        var message = await agent.GetMessageAsync("big@example.test", summary.Id);
        var (content, _) = await agent.GetAttachmentAsync("big@example.test", summary.Id, Assert.Single(message.Attachments).Id);
        Assert.Equal(payload, content);
    }
}
