// IMAP benchmark client: loads a generated mailbox into a server, then times what mail clients do most,
// the same way against any server. Usage:
//   ImapBench load    <port> <user> <password> <count>
//   ImapBench measure <port> <user> <password> <runs>
//   ImapBench idle    <port> <user> <password> <connections>   (holds them until stdin closes)
//   ImapBench search  <port> <user> <password> <runs>          (IMAP UID SEARCH latency, p50 and p99)
//   ImapBench rest    <http port> <address> <api key> <runs>   (REST list and search latency, p50 and p99)
using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

var (mode, port, user, password, n) = (args[0], int.Parse(args[1]), args[2], args[3], int.Parse(args[4]));

async Task<ImapClient> ConnectAsync()
{
    var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 600_000 };
    await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.SslOnConnect);
    await client.AuthenticateAsync(user, password);
    return client;
}

switch (mode)
{
    case "load":
    {
        using var client = await ConnectAsync();
        var random = new Random(42);
        var words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango".Split(' ');
        for (var i = 0; i < n; i++)
        {
            var body = string.Join(' ', Enumerable.Range(0, 60 + random.Next(200)).Select(_ => words[random.Next(words.Length)]));
            if (i % 1000 == 7) body += " needleinbody";
            var message = new MimeMessage
            {
                From = { new MailboxAddress($"Sender {i % 50}", $"sender{i % 50}@example.org") },
                To = { MailboxAddress.Parse(user) },
                Subject = i % 1000 == 3 ? $"Quarterly needlesubject report {i}" : $"Message {i} about {words[random.Next(words.Length)]}",
                Date = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i),
                MessageId = $"bench-{i}@example.org",
                Body = new TextPart("plain") { Text = body },
            };
            await client.Inbox.AppendAsync(message, i % 3 == 0 ? MessageFlags.Seen : MessageFlags.None);
        }
        await client.DisconnectAsync(true);
        break;
    }
    case "measure":
    {
        var timings = new Dictionary<string, List<double>>();
        void Record(string name, Stopwatch clock) => (timings.TryGetValue(name, out var list) ? list : timings[name] = []).Add(clock.Elapsed.TotalMilliseconds);
        for (var run = 0; run < n; run++)
        {
            var clock = Stopwatch.StartNew();
            using var client = await ConnectAsync();
            await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
            Record("login+select", clock);
            clock.Restart();
            var summaries = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Flags | MessageSummaryItems.Envelope | MessageSummaryItems.UniqueId);
            Record("fetch 1:* (flags envelope)", clock);
            if (summaries.Count != client.Inbox.Count) throw new InvalidOperationException("short fetch");
            clock.Restart();
            var bySubject = await client.Inbox.SearchAsync(SearchQuery.SubjectContains("needlesubject"));
            Record("uid search header word", clock);
            clock.Restart();
            var byBody = await client.Inbox.SearchAsync(SearchQuery.BodyContains("needleinbody"));
            Record("uid search body word", clock);
            if (bySubject.Count == 0 || byBody.Count == 0) throw new InvalidOperationException($"search found {bySubject.Count} and {byBody.Count}");
            clock.Restart();
            foreach (var uid in summaries.Take(200).Select(s => s.UniqueId)) await client.Inbox.GetMessageAsync(uid);
            Record("fetch 200 full bodies", clock);
            await client.DisconnectAsync(true);
        }
        foreach (var (name, values) in timings)
        {
            values.Sort();
            Console.WriteLine($"{name}\t{values[values.Count / 2]:F1}");
        }
        break;
    }
    case "search":
    {
        using var client = await ConnectAsync();
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var searches = new (string Name, SearchQuery Query)[]
        {
            ("search a rare body word", SearchQuery.BodyContains("needleinbody")),
            ("search a rare subject word", SearchQuery.SubjectContains("needlesubject")),
            ("search by sender", SearchQuery.FromContains("sender7@")),
            ("search a common body word", SearchQuery.BodyContains("alpha")),
        };
        foreach (var (name, query) in searches)
            await Percentiles(name, n, async () => { if ((await client.Inbox.SearchAsync(query)).Count == 0) throw new InvalidOperationException(name); });
        await client.DisconnectAsync(true);
        break;
    }
    case "rest":
    {
        // Here user is the mailbox address and password its API key.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Add("X-OpenMailserver-Key", password);
        var list = $"/v1/mailboxes/{user}/messages";
        async Task GetAsync(string path)
        {
            using var response = await http.GetAsync(path);
            response.EnsureSuccessStatusCode();
            if ((await response.Content.ReadAsStringAsync()).Length < 3) throw new InvalidOperationException("empty: " + path);
        }
        var operations = new (string Name, string Path)[]
        {
            ("search a rare body word", list + "?text=needleinbody"),
            ("search a rare subject word", list + "?subject=needlesubject"),
            ("search by sender", list + "?from=sender7@"),
            ("search a common body word", list + "?text=alpha&limit=500"),
            ("list the newest 50", list),
        };
        foreach (var (name, path) in operations) await Percentiles(name, n, () => GetAsync(path));
        await Percentiles("page through all 10,000 (20 pages of 500)", Math.Max(1, n / 10), async () =>
        {
            string? token = null;
            var count = 0;
            do
            {
                using var response = await http.GetAsync(list + "?limit=500" + (token is null ? "" : "&page_token=" + token));
                response.EnsureSuccessStatusCode();
                count++;
                token = response.Headers.TryGetValues("X-Next-Page-Token", out var values) ? values.Single() : null;
            } while (token is not null);
            if (count < 2) throw new InvalidOperationException("no paging");
        });
        break;
    }
    case "idle":
    {
        var clients = new List<ImapClient>();
        for (var i = 0; i < n; i++)
        {
            var client = await ConnectAsync();
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
            clients.Add(client);
        }
        using var done = new CancellationTokenSource();
        var idles = clients.Select(c => c.IdleAsync(done.Token)).ToList();
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        await done.CancelAsync();
        try { await Task.WhenAll(idles); } catch (OperationCanceledException) { }
        break;
    }
}

// Runs an operation runs times after one warm-up and prints "name<TAB>p50<TAB>p99" in milliseconds.
static async Task Percentiles(string name, int runs, Func<Task> operation)
{
    await operation();
    var times = new List<double>();
    for (var i = 0; i < runs; i++)
    {
        var clock = Stopwatch.StartNew();
        await operation();
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    Console.WriteLine($"{name}\t{times[times.Count / 2]:F1}\t{times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.99) - 1)]:F1}");
}
