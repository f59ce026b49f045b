extern alias ServerAssembly;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using ServerAssembly::OpenMailserver.Server.Accounts;
using ServerAssembly::OpenMailserver.Server.Events;
using ServerAssembly::OpenMailserver.Server.Messages;
using ServerAssembly::OpenMailserver.Server.Storage;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Api;

/// <summary>Listing and search over a generated mailbox of 10,000 messages, against expectations computed
/// from the generated data.</summary>
public sealed class SearchTests : IClassFixture<SearchTests.GeneratedMailbox>
{
    private readonly GeneratedMailbox _box;

    public SearchTests(GeneratedMailbox box) => _box = box;

    [Fact]
    public async Task Paging_through_all_ten_thousand_visits_each_message_once_newest_first()
    {
        using var api = _box.Server.Rest(_box.Mailbox.Key);
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var response = await api.GetAsync($"/v1/mailboxes/{_box.Mailbox.Address}/messages?limit=500" + (token is null ? "" : $"&page_token={token}"));
            response.EnsureSuccessStatusCode();
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(JsonValueKind.Array, page.ValueKind);
            seen.AddRange(page.EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
            token = response.Headers.TryGetValues("X-Next-Page-Token", out var values) ? values.Single() : null;
            pages++;
        } while (token is not null);
        Assert.Equal(20, pages);
        Assert.Equal(GeneratedMailbox.Count, seen.Count);
        Assert.Equal(GeneratedMailbox.Count, seen.Distinct().Count());
        Assert.Equal(_box.Expected(_ => true), SubjectsOf(seen));
    }

    [Theory]
    [InlineData("text=invoice")]
    [InlineData("text=invoice%20paid")]
    [InlineData("text=%22blue%20heron%22")]
    [InlineData("text=heron%20OR%20falcon")]
    [InlineData("text=recon*")]
    [InlineData("text=invoice&unread=true")]
    [InlineData("from=sender7%40")]
    [InlineData("to=team")]
    [InlineData("subject=REPORT%2012")]
    [InlineData("unread=false&since=2026-02-01T00:00:00Z&before=2026-02-02T00:00:00Z")]
    [InlineData("text=code-4242")]
    public async Task Search_returns_exactly_the_expected_messages(string filter)
    {
        using var api = _box.Server.Rest(_box.Mailbox.Key);
        var found = new List<string>();
        string? token = null;
        do
        {
            var response = await api.GetAsync($"/v1/mailboxes/{_box.Mailbox.Address}/messages?limit=500&{filter}" + (token is null ? "" : $"&page_token={token}"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            found.AddRange(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
            token = response.Headers.TryGetValues("X-Next-Page-Token", out var values) ? values.Single() : null;
        } while (token is not null);

        var expected = _box.Expected(GeneratedMailbox.Filters[filter]);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, SubjectsOf(found));
    }

    [Fact]
    public async Task Bad_search_parameters_are_400_with_a_message()
    {
        using var api = _box.Server.Rest(_box.Mailbox.Key);
        foreach (var query in new[] { "page_token=not-a-token", "since=yesterday", "text=%22%22", "limit=-1", "folder=Nope" })
        {
            var response = await api.GetAsync($"/v1/mailboxes/{_box.Mailbox.Address}/messages?{query}");
            Assert.True((int)response.StatusCode is 400 or 404, $"{query}: {(int)response.StatusCode}");
            Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString()));
        }
        // FTS syntax characters in what an agent types are words, not errors.
        var odd = await api.GetAsync($"/v1/mailboxes/{_box.Mailbox.Address}/messages?text={Uri.EscapeDataString("invoice AND (paid OR \" NOT *")}");
        Assert.True(odd.IsSuccessStatusCode, await odd.Content.ReadAsStringAsync());
    }

    private List<string> SubjectsOf(IEnumerable<string> ids) => ids.Select(id => _box.SubjectById[id]).ToList();

    public sealed class GeneratedMailbox : IAsyncLifetime
    {
        public const int Count = 10_000;
        private static readonly string[] Topics = ["invoice", "report", "meeting", "reconciliation", "shipment", "blue heron", "falcon", "newsletter"];
        private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public MailServer Server { get; } = new();
        public TestMailbox Mailbox { get; private set; } = null!;
        public Dictionary<string, string> SubjectById { get; } = [];
        private readonly List<Generated> _messages = [];
        private readonly Dictionary<string, string> _idBySubject = [];

        public sealed record Generated(int N, string Subject, string From, string To, string Body, bool Unread, DateTimeOffset Received);

        /// <summary>What each filter of the theory must find, written against the generated data.</summary>
        public static readonly Dictionary<string, Func<Generated, bool>> Filters = new()
        {
            ["text=invoice"] = m => Has(m, "invoice"),
            ["text=invoice%20paid"] = m => Has(m, "invoice") && Has(m, "paid"),
            ["text=%22blue%20heron%22"] = m => Has(m, "blue heron"),
            ["text=heron%20OR%20falcon"] = m => Has(m, "heron") || Has(m, "falcon"),
            ["text=recon*"] = m => Has(m, "reconciliation"),
            ["text=invoice&unread=true"] = m => Has(m, "invoice") && m.Unread,
            ["from=sender7%40"] = m => m.From.Contains("sender7@"),
            ["to=team"] = m => m.To.Contains("team"),
            ["subject=REPORT%2012"] = m => m.Subject.Contains("report 12", StringComparison.OrdinalIgnoreCase),
            ["unread=false&since=2026-02-01T00:00:00Z&before=2026-02-02T00:00:00Z"] =
                m => !m.Unread && m.Received >= new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero) && m.Received < new DateTimeOffset(2026, 2, 2, 0, 0, 0, TimeSpan.Zero),
            ["text=code-4242"] = m => m.Body.Contains("code-4242 "),
        };

        private static bool Has(Generated m, string words) => (m.Subject + " " + m.Body).Contains(words, StringComparison.OrdinalIgnoreCase);

        /// <summary>Subjects of the matching messages in listing order: newest first, ties by id descending.</summary>
        public List<string> Expected(Func<Generated, bool> filter) => _messages.Where(filter)
            .Select(m => (m, Id: _idBySubject[m.Subject]))
            .OrderByDescending(x => x.m.Received).ThenByDescending(x => x.Id, StringComparer.Ordinal).Select(x => x.m.Subject).ToList();

        public async Task InitializeAsync()
        {
            using var admin = Server.Rest(Server.AdminKey);
            var created = await admin.PostAsJsonAsync("/v1/mailboxes", new { local_part = "archive", domain = "example.test", quota = 20_000 });
            var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
            Mailbox = new TestMailbox(json.GetProperty("mailbox").GetProperty("email").GetString()!, json.GetProperty("password").GetString()!,
                json.GetProperty("api_key").GetProperty("key").GetString()!, json.GetProperty("mailbox").GetProperty("id").GetInt64());

            var random = new Random(42);
            for (var n = 0; n < Count; n++)
            {
                var topic = Topics[random.Next(Topics.Length)];
                var extra = random.Next(4) == 0 ? " paid" : "";
                var subject = $"{topic} {n}{extra}";
                var from = $"sender{random.Next(20)}@partners.test";
                var to = random.Next(5) == 0 ? "team@example.test" : Mailbox.Address;
                var body = $"Message {n} about {topic}. Reference code-{n} here.\n";
                // Pairs share a second, so ties are broken by id.
                _messages.Add(new Generated(n, subject, from, to, body, random.Next(3) == 0, Start.AddSeconds(n / 2 * 900)));
            }

            var services = Server.Services;
            var blobs = services.GetRequiredService<BlobStore>();
            var mailbox = (await services.GetRequiredService<MailboxService>().GetAsync(Mailbox.Address));
            var stored = new List<(Generated, PreparedMessage)>();
            foreach (var m in _messages)
            {
                var mime = new MimeMessage { Subject = m.Subject, Date = m.Received };
                mime.From.Add(MailboxAddress.Parse(m.From));
                mime.To.Add(MailboxAddress.Parse(m.To));
                mime.Body = new TextPart("plain") { Text = m.Body };
                using var buffer = new MemoryStream();
                mime.WriteTo(buffer);
                var raw = buffer.ToArray();
                // Written straight into the store: generating the mailbox need not pay an fsync per message.
                var hash = Convert.ToHexStringLower(SHA256.HashData(raw));
                Directory.CreateDirectory(Path.GetDirectoryName(blobs.PathFor(hash))!);
                await File.WriteAllBytesAsync(blobs.PathFor(hash), raw);
                stored.Add((m, new PreparedMessage(hash, raw.Length, MessageIndexer.Read(mime), [])));
            }
            var ingest = services.GetRequiredService<MessageIngest>();
            var ids = await services.GetRequiredService<IStore>().WriteAsync(async tx =>
            {
                var made = new List<(Generated, string)>();
                foreach (var (m, message) in stored)
                    made.Add((m, (await ingest.StoreAsync(tx, mailbox.Id, SpecialFolders.Inbox, message,
                        new IngestOptions(MailboxEventType.Received, m.Received.ToUnixTimeMilliseconds(), m.Unread ? "" : MessageFlags.Seen))).Message!.Id));
                return made;
            });
            foreach (var (m, id) in ids) (SubjectById[id], _idBySubject[m.Subject]) = (m.Subject, id);
        }

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }
}
