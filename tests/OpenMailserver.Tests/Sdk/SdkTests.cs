using Grpc.Core;
using OpenMailserver.Sdk;
using OpenMailserver.Tests.Infrastructure;
using OpenMailserver.V1;

namespace OpenMailserver.Tests.Sdk;

/// <summary>The same operations as REST, over native gRPC through the SDK.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class SdkTests(SharedServer server)
{
    [Fact]
    public async Task Attachments_search_reply_threads_and_idempotent_send_through_the_sdk()
    {
        using var admin = server.Sdk(server.AdminKey);
        var (a, b) = (await admin.CreateMailboxAsync(Provisioning.UniqueLocalPart("sdka"), "example.test"),
            await admin.CreateMailboxAsync(Provisioning.UniqueLocalPart("sdkb"), "example.test"));
        using var alice = server.Sdk(a.ApiKey.Key);
        using var bob = server.Sdk(b.ApiKey.Key);
        var bytes = new byte[] { 0, 1, 2, 250, 255 };
        var request = new SendMailRequest
        {
            Sender = a.Mailbox.Email, Recipients = { b.Mailbox.Email }, Subject = "Telemetry upload", TextBody = "Raw frames attached.",
            Attachments = { OpenMailserverClient.Attachment("frames.bin", bytes) }, IdempotencyKey = Guid.NewGuid().ToString(),
        };
        var first = await alice.Mail.SendMailAsync(request);
        Assert.Equal(first.Id, (await alice.Mail.SendMailAsync(request)).Id);

        var found = await bob.SearchAsync(new ListMessagesRequest { Address = b.Mailbox.Email, Text = "telemetry frames", Limit = 1 }).ToListAsync();
        var summary = Assert.Single(found);
        var message = await bob.GetMessageAsync(b.Mailbox.Email, summary.Id);
        var attachment = Assert.Single(message.Attachments);
        var (content, type) = await bob.GetAttachmentAsync(b.Mailbox.Email, summary.Id, attachment.Id);
        Assert.Equal(bytes, content);
        Assert.Equal("application/octet-stream", type);
        Assert.StartsWith("From: ", System.Text.Encoding.ASCII.GetString(await bob.GetRawMessageAsync(b.Mailbox.Email, summary.Id)).Split("\r\n").First(l => l.StartsWith("From: ")));

        await bob.ReplyAsync(b.Mailbox.Email, summary.Id, "Received, thanks.");
        var thread = Assert.Single(await alice.ListThreadsAsync(a.Mailbox.Email));
        Assert.Equal(["Telemetry upload", "Re: Telemetry upload"], thread.Messages.Select(m => m.Subject));
    }

    [Fact]
    public async Task Provision_send_and_read_through_the_sdk()
    {
        using var admin = server.Sdk(server.AdminKey);
        var local = Provisioning.UniqueLocalPart("sdk");
        var created = await admin.CreateMailboxAsync(local, "example.test");
        Assert.Equal($"{local}@example.test", created.Mailbox.Email);
        Assert.StartsWith("oms_", created.ApiKey.Key);

        using var agent = server.Sdk(created.ApiKey.Key);
        var sent = await agent.SendAsync(created.Mailbox.Email, [created.Mailbox.Email], "over gRPC", "typed and fast");
        Assert.Equal("sent", sent.State);

        var inbox = await agent.ListMessagesAsync(created.Mailbox.Email);
        var summary = Assert.Single(inbox);
        Assert.Equal("over gRPC", summary.Subject);
        var message = await agent.GetMessageAsync(created.Mailbox.Email, summary.Id);
        Assert.Equal("typed and fast", message.Body.TrimEnd());
        Assert.Single(await agent.ListMessagesAsync(created.Mailbox.Email, "Sent"));

        var outbound = await agent.Mail.ListOutboundAsync(new ListOutboundRequest());
        Assert.Equal(sent.Id, Assert.Single(outbound.Messages).Id);
        Assert.Equal(sent.QueueId, (await agent.Mail.GetOutboundAsync(new GetOutboundRequest { Id = sent.Id })).QueueId);

        var queue = await admin.Queue.ListQueueAsync(new ListQueueRequest { State = "all" });
        Assert.Contains(queue.Entries, e => e.Id == sent.Id);
        var trace = await admin.Debug.GetMessageTraceAsync(new GetMessageTraceRequest { Id = sent.Id });
        Assert.Equal("sent", trace.Status);
        Assert.Equal(2, trace.Details.Fields["events"].ListValue.Values.Count);
    }

    [Fact]
    public async Task Aliases_keys_and_mailbox_management_through_the_sdk()
    {
        using var admin = server.Sdk(server.AdminKey);
        var created = await admin.CreateMailboxAsync(Provisioning.UniqueLocalPart("mgmt"), "example.test");
        var address = created.Mailbox.Email;
        var alias = await admin.Aliases.CreateAliasAsync(new CreateAliasRequest { Source = $"{Provisioning.UniqueLocalPart("a")}@example.test", Destination = address });
        Assert.Contains((await admin.Aliases.ListAliasesAsync(new ListAliasesRequest())).Aliases, a => a.Id == alias.Id);

        var key = await admin.Mailboxes.IssueApiKeyAsync(new IssueApiKeyRequest { Address = address, Name = "second" });
        Assert.Equal(2, (await admin.Mailboxes.ListApiKeysAsync(new MailboxRef { Address = address })).Keys.Count);
        await admin.Mailboxes.RevokeApiKeyAsync(new RevokeApiKeyRequest { Id = key.Id });
        using var revoked = server.Sdk(key.Key);
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => revoked.ListMessagesAsync(address))).StatusCode);

        Assert.False((await admin.Mailboxes.DisableMailboxAsync(new MailboxRef { Address = address })).Active);
        Assert.True((await admin.Mailboxes.EnableMailboxAsync(new MailboxRef { Address = address })).Active);
        var reset = await admin.Mailboxes.ResetPasswordAsync(new ResetPasswordRequest { Address = address, Password = "a new long password" });
        Assert.Equal("a new long password", reset.Password);
        Assert.Contains((await admin.Mailboxes.ListMailboxesAsync(new ListMailboxesRequest())).Mailboxes, m => m.Email == address);
        var error = await Assert.ThrowsAsync<RpcException>(() => admin.CreateMailboxAsync(created.Mailbox.Email.Split('@')[0], "example.test"));
        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Contains("already exists", error.Status.Detail);
    }

    [Fact]
    public async Task Debug_and_operations_through_the_sdk()
    {
        using var admin = server.Sdk(server.AdminKey);
        Assert.Equal("ok", (await admin.Debug.GetConfigAsync(new GetConfigRequest())).Status);
        Assert.NotEmpty((await admin.Debug.GetLogsAsync(new GetLogsRequest { Limit = 5 })).Details.Fields["lines"].ListValue.Values);
        Assert.Contains((await admin.Debug.GetHealthAsync(new GetHealthRequest())).Status, new[] { "ok", "warn" });
        var backup = await admin.Operations.CreateBackupAsync(new CreateBackupRequest());
        Assert.True(backup.Encrypted);
        Assert.Equal("ok", (await admin.Operations.ValidateRestoreAsync(new ValidateRestoreRequest { Path = backup.Path })).Status);
        Assert.Contains((await admin.Dns.GetDnsPlanAsync(new GetDnsPlanRequest())).Records, r => r.Type == "MX");
        var missing = await Assert.ThrowsAsync<RpcException>(() => admin.Operations.ValidateRestoreAsync(new ValidateRestoreRequest { Path = "no-such.omsbak" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public void Client_requires_a_key()
    {
        Assert.Throws<ArgumentException>(() => new OpenMailserverClient("http://localhost:1", ""));
    }
}
