using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MimeKit;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

public sealed class ThreadTests : IAsyncLifetime
{
    private readonly MailServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_reply_through_the_api_threads_in_both_mailboxes_with_correct_headers()
    {
        var (alice, bob) = (await _server.CreateMailboxAsync("alice"), await _server.CreateMailboxAsync("bob"));
        using var aliceApi = _server.Rest(alice.Key);
        using var bobApi = _server.Rest(bob.Key);
        await aliceApi.SendAsync(new { sender = alice.Address, recipients = new[] { bob.Address }, subject = "Quarterly numbers", text_body = "Can you send the Q3 totals?\nThanks, Alice" });

        var original = await OnlyMessageAsync(bobApi, bob);
        var reply = await bobApi.PostJsonAsync($"/v1/messages/{original.GetProperty("id").GetString()}/reply",
            new { address = bob.Address, text_body = "Attached by Friday.", quote = true });
        Assert.Equal("sent", reply.GetProperty("state").GetString());
        Assert.Contains("\\Answered", (await GetMessageAsync(bobApi, bob, original.GetProperty("id").GetString()!)).GetProperty("flags").EnumerateArray().Select(f => f.GetString()));

        var received = await OnlyMessageAsync(aliceApi, alice);
        Assert.Equal("Re: Quarterly numbers", received.GetProperty("subject").GetString());
        Assert.Equal(original.GetProperty("message_id_header").GetString(), received.GetProperty("in_reply_to").GetString());
        Assert.Equal([original.GetProperty("message_id_header").GetString()], received.GetProperty("references").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("> Can you send the Q3 totals?", received.GetProperty("text_body").GetString());
        Assert.Equal("Attached by Friday.", received.GetProperty("extracted_text").GetString());

        foreach (var (api, box, subjects) in new[] { (aliceApi, alice, new[] { "Quarterly numbers", "Re: Quarterly numbers" }), (bobApi, bob, ["Quarterly numbers", "Re: Quarterly numbers"]) })
        {
            var thread = Assert.Single((await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/threads")).EnumerateArray());
            Assert.Equal("Quarterly numbers", thread.GetProperty("subject").GetString());
            Assert.Equal(2, thread.GetProperty("message_count").GetInt32());
            Assert.Equal(subjects, thread.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("subject").GetString()));
            Assert.Equal(["INBOX", "Sent"], thread.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("folder").GetString()).Order(StringComparer.Ordinal));
            var one = await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/threads/{thread.GetProperty("thread_id").GetString()}");
            Assert.Equal(2, one.GetProperty("messages").GetArrayLength());
        }
    }

    [Fact]
    public async Task Replies_over_smtp_join_the_thread_by_references_and_by_subject_when_headers_are_missing()
    {
        var (agent, carol) = (await _server.CreateMailboxAsync("agent"), await _server.CreateMailboxAsync("carol"));
        using var api = _server.Rest(agent.Key);
        await api.SendAsync(new { sender = agent.Address, recipients = new[] { carol.Address }, subject = "Your order 1042", text_body = "It shipped." });
        var sent = Assert.Single((await api.GetJsonAsync($"/v1/mailboxes/{agent.Address}/messages?folder=Sent")).EnumerateArray());
        var sentMessage = await GetMessageAsync(api, agent, sent.GetProperty("id").GetString()!);
        var messageId = sentMessage.GetProperty("message_id_header").GetString()!;

        using (var smtp = await _server.SubmitAsAsync(carol))
        {
            var answer = new MimeMessage { Subject = "AW: Your order 1042" };
            answer.From.Add(MailboxAddress.Parse(carol.Address));
            answer.To.Add(MailboxAddress.Parse(agent.Address));
            answer.InReplyTo = messageId;
            answer.References.Add(messageId);
            answer.Body = new TextPart("plain") { Text = "Danke!\n\nAm 25.11.2026 um 14:03 schrieb agent:\n> It shipped.\n" };
            await smtp.SendAsync(answer);

            var noHeaders = new MimeMessage { Subject = "Re: your order 1042" };
            noHeaders.From.Add(MailboxAddress.Parse(carol.Address));
            noHeaders.To.Add(MailboxAddress.Parse(agent.Address));
            noHeaders.Body = new TextPart("plain") { Text = "One more question." };
            await smtp.SendAsync(noHeaders);

            var unrelated = new MimeMessage { Subject = "Your order 1042" };
            unrelated.From.Add(MailboxAddress.Parse(carol.Address));
            unrelated.To.Add(MailboxAddress.Parse(agent.Address));
            unrelated.Body = new TextPart("plain") { Text = "Not an answer: same subject, no Re:, no references." };
            await smtp.SendAsync(unrelated);
            await smtp.DisconnectAsync(true);
        }

        var inbox = (await api.GetJsonAsync($"/v1/mailboxes/{agent.Address}/messages")).EnumerateArray().ToList();
        var threadOf = inbox.ToDictionary(m => m.GetProperty("subject").GetString()!, m => m.GetProperty("thread_id").GetString());
        Assert.Equal(sent.GetProperty("thread_id").GetString(), threadOf["AW: Your order 1042"]);
        Assert.Equal(sent.GetProperty("thread_id").GetString(), threadOf["Re: your order 1042"]);
        Assert.NotEqual(sent.GetProperty("thread_id").GetString(), threadOf["Your order 1042"]);
        var answerId = inbox.Single(m => m.GetProperty("subject").GetString() == "AW: Your order 1042").GetProperty("id").GetString()!;
        Assert.Equal("Danke!", (await GetMessageAsync(api, agent, answerId)).GetProperty("extracted_text").GetString());

        var threads = (await api.GetJsonAsync($"/v1/mailboxes/{agent.Address}/threads")).EnumerateArray().ToList();
        Assert.Equal(2, threads.Count);
        var conversation = threads.Single(t => t.GetProperty("thread_id").GetString() == sent.GetProperty("thread_id").GetString());
        Assert.Equal(3, conversation.GetProperty("message_count").GetInt32());
        Assert.Equal(2, conversation.GetProperty("unread_count").GetInt32());
        var filtered = (await api.GetJsonAsync($"/v1/mailboxes/{agent.Address}/messages?folder=*&thread_id={sent.GetProperty("thread_id").GetString()}")).EnumerateArray();
        Assert.Equal(3, filtered.Count());
    }

    [Fact]
    public async Task Reply_all_leaves_out_oneself_and_forward_carries_the_attachments()
    {
        var (a, b, c, d) = (await _server.CreateMailboxAsync(), await _server.CreateMailboxAsync(), await _server.CreateMailboxAsync(), await _server.CreateMailboxAsync());
        using var aApi = _server.Rest(a.Key);
        using var bApi = _server.Rest(b.Key);
        await aApi.SendAsync(new
        {
            sender = a.Address, recipients = new[] { b.Address, c.Address }, subject = "Plan", text_body = "See the plan.",
            attachments = new[] { new { filename = "plan.txt", content_type = "text/plain", content_base64 = Convert.ToBase64String("step 1"u8.ToArray()) } },
        });
        var original = await OnlyMessageAsync(bApi, b);
        var id = original.GetProperty("id").GetString();
        var all = await bApi.PostJsonAsync($"/v1/messages/{id}/reply", new { address = b.Address, text_body = "Agreed.", reply_all = true });
        Assert.Equal(new[] { a.Address, c.Address }.Order(), all.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()).Order());

        var forwarded = await bApi.PostJsonAsync($"/v1/messages/{id}/forward", new { address = b.Address, recipients = new[] { d.Address }, text_body = "FYI" });
        Assert.Equal("Fwd: Plan", forwarded.GetProperty("subject").GetString());
        using var dApi = _server.Rest(d.Key);
        var copy = await OnlyMessageAsync(dApi, d);
        Assert.StartsWith("FYI", copy.GetProperty("text_body").GetString());
        Assert.Contains("---------- Forwarded message ---------", copy.GetProperty("text_body").GetString());
        var attachment = Assert.Single(copy.GetProperty("attachments").EnumerateArray());
        Assert.Equal("plan.txt", attachment.GetProperty("filename").GetString());
        Assert.Equal("step 1"u8.ToArray(), await dApi.GetByteArrayAsync($"/v1/messages/{copy.GetProperty("id").GetString()}/attachments/{attachment.GetProperty("id").GetString()}?address={d.Address}"));

        var response = await bApi.PostAsJsonAsync($"/v1/messages/{id}/forward", new { address = b.Address, text_body = "to nobody" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var cApi = _server.Rest(c.Key);
        Assert.Equal(HttpStatusCode.Forbidden, (await cApi.PostAsJsonAsync($"/v1/messages/{id}/reply", new { address = b.Address, text_body = "hijack" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cApi.PostAsJsonAsync($"/v1/messages/{id}/reply", new { address = c.Address, text_body = "not mine" })).StatusCode);
    }

    [Fact]
    public async Task A_subject_that_decodes_to_control_characters_can_still_be_answered()
    {
        var box = await _server.CreateMailboxAsync();
        await using (var smtp = await SmtpConversation.OpenAsync(_server.Started().MxPort))
        {
            Assert.StartsWith("220 ", await smtp.ReplyAsync());
            Assert.StartsWith("250", await smtp.CommandAsync("EHLO sender.test"));
            Assert.StartsWith("250 ", await smtp.CommandAsync("MAIL FROM:<someone@elsewhere.test>"));
            Assert.StartsWith("250 ", await smtp.CommandAsync($"RCPT TO:<{box.Address}>"));
            Assert.StartsWith("354 ", await smtp.CommandAsync("DATA"));
            Assert.StartsWith("250 ", await smtp.CommandAsync(
                "From: someone@elsewhere.test\r\nSubject: =?UTF-8?Q?Invoice=0D=0ABcc:_x@evil.test=07done?=\r\nMessage-ID: <odd@elsewhere.test>\r\n\r\nPay up.\r\n."));
        }
        using var api = _server.Rest(box.Key);
        var original = await OnlyMessageAsync(api, box);

        var reply = await api.PostJsonAsync($"/v1/messages/{original.GetProperty("id").GetString()}/reply", new { address = box.Address, text_body = "Paid." });
        Assert.Equal("queued", reply.GetProperty("state").GetString());
        Assert.Equal("Re: InvoiceBcc: x@evil.test done", reply.GetProperty("subject").GetString());
        var sent = Assert.Single((await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=Sent")).EnumerateArray());
        var raw = System.Text.Encoding.UTF8.GetString(await StoreInspector.RawMessageAsync(_server.DataDirectory, sent.GetProperty("id").GetString()!));
        Assert.Contains("Subject: Re: InvoiceBcc: x@evil.test done\r\n", raw);
        Assert.DoesNotContain("\nBcc:", raw);
    }

    private static async Task<JsonElement> OnlyMessageAsync(HttpClient api, TestMailbox box)
    {
        var summary = Assert.Single((await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages")).EnumerateArray());
        return await GetMessageAsync(api, box, summary.GetProperty("id").GetString()!);
    }

    private static Task<JsonElement> GetMessageAsync(HttpClient api, TestMailbox box, string id) => api.GetJsonAsync($"/v1/messages/{id}?address={box.Address}");

}
