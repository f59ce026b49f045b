extern alias ServerAssembly;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ServerAssembly::OpenMailserver.Server.Net;
using OpenMailserver.Tests.Infrastructure;
using ServerAssembly::OpenMailserver.Server.Webhooks;

namespace OpenMailserver.Tests.Events;

public sealed class WebhookTests
{
    private static Dictionary<string, string?> Settings(bool allowPrivate) => new()
    {
        ["OpenMailserver:Webhooks:AllowPrivateTargets"] = allowPrivate ? "true" : "false",
        ["OpenMailserver:Webhooks:RetryDelay"] = "00:00:01",
    };

    [Fact]
    public async Task A_receiver_gets_signed_events_and_one_that_was_down_gets_them_once_it_is_up()
    {
        await using var server = new ServerFactory(settings: Settings(allowPrivate: true));
        var box = await server.CreateMailboxAsync();
        using var api = server.Rest(box.Key);
        using var receiver = new Receiver();

        var created = await api.PostJsonAsync("/v1/webhooks", new { url = receiver.Url, address = box.Address, event_types = new[] { "message.received" } });
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        var webhookId = created.GetProperty("id").GetInt64();
        Assert.False((await api.GetJsonAsync("/v1/webhooks"))[0].TryGetProperty("secret", out var shown) && shown.GetString() != "", "the secret is shown only once");

        await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "Hook me", text_body = "x" });
        var call = await receiver.NextAsync();
        Assert.Equal("message.received", call.Json.GetProperty("event_type").GetString());
        Assert.Equal("Hook me", call.Json.GetProperty("details").GetProperty("subject").GetString());
        Assert.Equal(box.Address, call.Json.GetProperty("mailbox").GetString());
        Assert.Equal(call.Json.GetProperty("event_id").GetInt64().ToString(), call.Headers["X-OpenMailserver-Event-Id"]);
        var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes(call.Headers["X-OpenMailserver-Timestamp"] + "." + call.Body)));
        Assert.Equal(expected, call.Headers["X-OpenMailserver-Signature"]);

        // The receiver is down (nothing listens): the event is retried, and delivered once it is back up.
        receiver.Stop();
        await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "Patience", text_body = "x" });
        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement pending;
        do
        {
            await Task.Delay(200);
            pending = (await api.GetJsonAsync($"/v1/webhooks/{webhookId}/deliveries"))[0];
        } while (pending.GetProperty("attempts").GetInt32() < 2 && DateTime.UtcNow < deadline);
        Assert.Equal("pending", pending.GetProperty("state").GetString());
        Assert.True(pending.GetProperty("attempts").GetInt32() >= 2);
        Assert.Equal(0, pending.GetProperty("last_status").GetInt32());
        Assert.NotEmpty(pending.GetProperty("last_error").GetString()!);
        receiver.Start();
        var retried = await receiver.NextAsync(timeoutSeconds: 30);
        Assert.Equal("Patience", retried.Json.GetProperty("details").GetProperty("subject").GetString());

        // It answers 503 for a while: the same, and the log says so.
        receiver.FailNext(2);
        await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "Busy", text_body = "x" });
        Assert.Equal("Busy", (await receiver.NextAsync(timeoutSeconds: 30)).Json.GetProperty("details").GetProperty("subject").GetString());
        Assert.Equal(3, receiver.Calls("Busy"));
        // The receiver has the call a moment before the server has recorded its answer.
        List<JsonElement> deliveries;
        var settled = DateTime.UtcNow.AddSeconds(10);
        do
        {
            deliveries = (await api.GetJsonAsync($"/v1/webhooks/{webhookId}/deliveries")).EnumerateArray().ToList();
            if (deliveries.All(d => d.GetProperty("state").GetString() == "delivered")) break;
            await Task.Delay(100);
        } while (DateTime.UtcNow < settled);
        Assert.Equal(3, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal("delivered", d.GetProperty("state").GetString()));
        Assert.Equal(3, deliveries[0].GetProperty("attempts").GetInt32());
        Assert.Equal(200, deliveries[0].GetProperty("last_status").GetInt32());
        await Task.Delay(1500);
        Assert.Equal(1, receiver.Calls("Patience"));
        Assert.Equal(3, receiver.Calls("Busy"));

        var deleted = await api.DeleteAsync($"/v1/webhooks/{webhookId}");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Empty((await api.GetJsonAsync("/v1/webhooks")).EnumerateArray());
    }

    [Fact]
    public async Task Keys_reach_only_their_own_webhooks_and_private_targets_are_refused_by_default()
    {
        await using var server = new ServerFactory(settings: Settings(allowPrivate: false));
        var (mine, other) = (await server.CreateMailboxAsync(), await server.CreateMailboxAsync());
        using var api = server.Rest(mine.Key);

        async Task<(HttpStatusCode Status, string Message)> CreateAsync(HttpClient client, object body)
        {
            var response = await client.PostAsJsonAsync("/v1/webhooks", body);
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return (response.StatusCode, json.TryGetProperty("message", out var m) ? m.GetString()! : "");
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await CreateAsync(api, new { url = "https://hooks.example.com/in", address = other.Address })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CreateAsync(api, new { url = "https://hooks.example.com/in" })).Status);
        foreach (var target in new[] { "http://127.0.0.1:8080/hook", "http://10.1.2.3/hook", "http://[::1]/hook", "http://169.254.169.254/latest", "http://192.168.1.5/" })
        {
            var (status, message) = await CreateAsync(api, new { url = target, address = mine.Address });
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("internal address", message);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await CreateAsync(api, new { url = "ftp://example.com/x", address = mine.Address })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await CreateAsync(api, new { url = "https://user:pw@example.com/x", address = mine.Address })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await CreateAsync(api, new { url = "https://8.8.8.8/x", address = mine.Address, event_types = new[] { "nope" } })).Status);

        // A webhook another mailbox made is invisible to this key.
        using var admin = server.Rest(server.AdminKey);
        var global = await admin.PostJsonAsync("/v1/webhooks", new { url = "https://8.8.8.8/all" });
        Assert.Equal("", global.GetProperty("address").GetString());
        Assert.Empty((await api.GetJsonAsync("/v1/webhooks")).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/v1/webhooks/{global.GetProperty("id").GetInt64()}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.DeleteAsync($"/v1/webhooks/{global.GetProperty("id").GetInt64()}")).StatusCode);
        Assert.Single((await admin.GetJsonAsync("/v1/webhooks")).EnumerateArray());
    }

    [Fact]
    public async Task A_disabled_mailbox_s_webhook_stops_delivering_and_its_due_retries_fail()
    {
        await using var server = new ServerFactory(settings: Settings(allowPrivate: true));
        var box = await server.CreateMailboxAsync();
        using var api = server.Rest(box.Key);
        using var admin = server.Rest(server.AdminKey);
        using var receiver = new Receiver();
        receiver.FailNext(1000);
        var webhookId = (await api.PostJsonAsync("/v1/webhooks", new { url = receiver.Url, address = box.Address, event_types = new[] { "message.received" } }))
            .GetProperty("id").GetInt64();
        await api.SendAsync(new { sender = box.Address, recipients = new[] { box.Address }, subject = "Retried", text_body = "x" });
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (receiver.Calls("Retried") == 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(receiver.Calls("Retried") > 0, "the first attempt never came");

        (await admin.PostAsJsonAsync($"/v1/mailboxes/{box.Address}/disable", new { })).EnsureSuccessStatusCode();
        JsonElement delivery;
        deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            await Task.Delay(200);
            delivery = (await admin.GetJsonAsync($"/v1/webhooks/{webhookId}/deliveries"))[0];
        } while (delivery.GetProperty("state").GetString() == "pending" && DateTime.UtcNow < deadline);
        Assert.Equal("failed", delivery.GetProperty("state").GetString());
        Assert.Equal("the mailbox is disabled", delivery.GetProperty("last_error").GetString());
        var calls = receiver.Calls("Retried");
        await Task.Delay(TimeSpan.FromSeconds(3)); // three retry rounds
        Assert.Equal(calls, receiver.Calls("Retried"));
    }

    [Theory]
    [InlineData("http://[64:ff9b::7f00:1]/hook")] // NAT64 of 127.0.0.1
    [InlineData("http://[64:ff9b::a9fe:a9fe]/latest")] // NAT64 of 169.254.169.254
    [InlineData("http://[64:ff9b:1::c0a8:105]/")] // local-use NAT64 of 192.168.1.5
    [InlineData("http://[::7f00:1]/hook")] // IPv4-compatible 127.0.0.1
    [InlineData("http://[::ffff:10.0.0.1]/hook")] // IPv4-mapped 10.0.0.1
    [InlineData("http://[2002:7f00:1::1]/hook")] // 6to4 of 127.0.0.1
    [InlineData("http://[2002:a01:203::]/hook")] // 6to4 of 10.1.2.3
    [InlineData("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook")] // Teredo, client 127.0.0.1
    [InlineData("http://[2001:0:a00:1:8000:63bf:f7f7:f7f7]/hook")] // Teredo, server 10.0.0.1, client 8.8.8.8
    public async Task Ipv6_addresses_that_carry_an_internal_ipv4_address_are_refused_like_it(string target)
    {
        await using var server = new ServerFactory(settings: Settings(allowPrivate: false));
        var box = await server.CreateMailboxAsync();
        using var api = server.Rest(box.Key);
        var response = await api.PostAsJsonAsync("/v1/webhooks", new { url = target, address = box.Address });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var host = new Uri(target).Host;
        Assert.Equal($"url: {host} is {System.Net.IPAddress.Parse(host.Trim('[', ']'))}, an internal address; webhooks reach only public addresses unless Webhooks:AllowPrivateTargets is set.",
            JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
        // The same check guards every connection a delivery makes.
        Assert.True(PrivateAddresses.IsPrivate(System.Net.IPAddress.Parse(host.Trim('[', ']'))));
    }

    [Fact]
    public async Task Ipv6_addresses_that_carry_a_public_ipv4_address_and_public_ipv6_addresses_are_accepted()
    {
        await using var server = new ServerFactory(settings: Settings(allowPrivate: false));
        var box = await server.CreateMailboxAsync();
        using var api = server.Rest(box.Key);
        foreach (var target in new[] { "http://[64:ff9b::808:808]/hook", "http://[2002:808:808::1]/hook", "http://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/hook",
                     "http://[2606:4700:4700::1111]/hook", "http://[::ffff:8.8.8.8]/hook" })
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync("/v1/webhooks", new { url = target, address = box.Address })).StatusCode);
    }

    [Fact]
    public async Task A_mailbox_key_gets_the_same_403_for_another_mailbox_whether_it_exists_or_not()
    {
        await using var server = new ServerFactory(settings: Settings(allowPrivate: false));
        var (mine, other) = (await server.CreateMailboxAsync(), await server.CreateMailboxAsync());
        var missing = $"{Provisioning.UniqueLocalPart("nobody")}@example.test";
        using var api = server.Rest(mine.Key);
        foreach (var address in new[] { other.Address, missing })
        {
            var response = await api.PostAsJsonAsync("/v1/webhooks", new { url = "https://8.8.8.8/in", address });
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal($"This API key belongs to {mine.Address} and cannot access {address}.",
                JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
            foreach (var path in new[] { $"/v1/mailboxes/{address}", $"/v1/mailboxes/{address}/messages", $"/v1/mailboxes/{address}/folders" })
                Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync(path)).StatusCode);
        }
    }


    /// <summary>A webhook target on loopback that records every call and can be told to fail.</summary>
    private sealed class Receiver : IDisposable
    {
        public sealed record Call(string Body, JsonElement Json, Dictionary<string, string> Headers);

        private HttpListener _listener = new();
        private readonly Channel<Call> _accepted = Channel.CreateUnbounded<Call>();
        private readonly List<Call> _all = [];
        private int _failures;

        public Receiver()
        {
            Url = $"http://127.0.0.1:{TestPaths.FreeTcpPort()}/hook/";
            Start();
        }

        public void Start()
        {
            _listener = new HttpListener();
            _listener.Prefixes.Add(Url);
            _listener.Start();
            var listener = _listener;
            _ = Task.Run(() => LoopAsync(listener));
        }

        /// <summary>Nothing listens until <see cref="Start"/>: connections are refused.</summary>
        public void Stop() => _listener.Close();

        public string Url { get; }

        public void FailNext(int count) => Interlocked.Exchange(ref _failures, count);

        public int Calls(string subject)
        {
            lock (_all) return _all.Count(c => c.Json.GetProperty("details").GetProperty("subject").GetString() == subject);
        }

        public async Task<Call> NextAsync(int timeoutSeconds = 10)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
            return await _accepted.Reader.ReadAsync(timeout.Token);
        }

        private async Task LoopAsync(HttpListener listener)
        {
            try
            {
                while (true)
                {
                    var context = await listener.GetContextAsync();
                    using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                    var body = await reader.ReadToEndAsync();
                    var call = new Call(body, JsonDocument.Parse(body).RootElement.Clone(),
                        context.Request.Headers.AllKeys.ToDictionary(k => k!, k => context.Request.Headers[k]!));
                    lock (_all) _all.Add(call);
                    var fail = Interlocked.Decrement(ref _failures) >= 0;
                    context.Response.StatusCode = fail ? 503 : 200;
                    context.Response.Close();
                    if (!fail) await _accepted.Writer.WriteAsync(call);
                }
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
            }
        }

        public void Dispose() => _listener.Close();
    }
}
