// What one request or command costs in a mailbox of a given size, the same way at every size, so the costs at
// 1,000 and at 1,000,000 messages can be compared. Prints "name<TAB>p50<TAB>p99" in milliseconds, and the
// REST send rate. Usage:
//   ScaleBench <http port> <imaps port> <address> <password> <api key> <runs>
using System.Diagnostics;
using System.Net.Http.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

var (http, imaps, address, password, key, runs) = (int.Parse(args[0]), int.Parse(args[1]), args[2], args[3], args[4], int.Parse(args[5]));

// Untimed calls before each measurement, so it sees the server's steady state (compiled at its final tier, caches
// filled) at every size alike, whatever ran before it.
const int WarmUp = 300;

async Task Percentiles(string name, Func<Task> operation)
{
    for (var i = 0; i < WarmUp; i++) await operation();
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

using var rest = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
rest.DefaultRequestHeaders.Add("X-OpenMailserver-Key", key);
var list = $"/v1/mailboxes/{address}/messages";
async Task GetAsync(string path, bool expectSome)
{
    using var response = await rest.GetAsync(path);
    response.EnsureSuccessStatusCode();
    var text = await response.Content.ReadAsStringAsync();
    if (expectSome != text.Length > 2) throw new InvalidOperationException($"{path}: {text[..Math.Min(200, text.Length)]}");
}
await Percentiles("REST list newest 50", () => GetAsync(list, true));
await Percentiles("REST search, a word some hold", () => GetAsync(list + "?text=needleinbody", true));
// A directory grown before the word was planted has none: the row is left out.
if ((await rest.GetStringAsync(list + "?text=fiftyholdit")).Length > 2)
    await Percentiles("REST search, a word 50 hold", () => GetAsync(list + "?text=fiftyholdit", true));
await Percentiles("REST search, a word none holds", () => GetAsync(list + "?text=absentword", false));
await Percentiles("REST folder counts", () => GetAsync($"/v1/mailboxes/{address}/folders", true));

// Sends to itself, one after another: each answers once it is stored. Enough of them that what else the
// writer does meanwhile (the search indexer) averages out.
var sends = Math.Max(200, runs);
var sendClock = Stopwatch.StartNew();
for (var i = 0; i < sends; i++)
{
    using var response = await rest.PostAsJsonAsync("/v1/mail/send", new { sender = address, recipients = new[] { address }, subject = $"scale send {i}", text_body = "x" });
    response.EnsureSuccessStatusCode();
}
Console.WriteLine($"REST send, msg/s\t{sends / sendClock.Elapsed.TotalSeconds:F0}\t");

async Task<ImapClient> ConnectAsync()
{
    var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 600_000 };
    await client.ConnectAsync("127.0.0.1", imaps, SecureSocketOptions.SslOnConnect);
    await client.AuthenticateAsync(address, password);
    return client;
}
using (var imap = await ConnectAsync())
{
    // The first open reads the folder's UIDs (or those that arrived since the view sessions share was read);
    // later ones take the shared view and the changes since.
    var firstOpen = Stopwatch.StartNew();
    await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
    Console.WriteLine($"IMAP SELECT INBOX, first at this size\t{firstOpen.Elapsed.TotalMilliseconds:F1}\t");
    await Percentiles("IMAP SELECT INBOX", async () => await imap.Inbox.OpenAsync(FolderAccess.ReadOnly));
    await Percentiles("IMAP FETCH last 50 envelopes", async () =>
    {
        var count = imap.Inbox.Count;
        if ((await imap.Inbox.FetchAsync(Math.Max(0, count - 50), count - 1, MessageSummaryItems.Envelope | MessageSummaryItems.UniqueId)).Count == 0)
            throw new InvalidOperationException("nothing fetched");
    });
    // The same number of unread messages at every size (the 50 with the lowest UIDs), so UNSEEN measures finding
    // them rather than how much mail the steps before left unread.
    await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
    var unread = await imap.Inbox.SearchAsync(SearchQuery.NotSeen);
    if (unread.Count > 50) await imap.Inbox.AddFlagsAsync(unread.Skip(50).ToList(), MessageFlags.Seen, silent: true);
    await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
    await Percentiles("IMAP UID SEARCH UNSEEN (50 unread)", async () => await imap.Inbox.SearchAsync(SearchQuery.NotSeen));
    await imap.DisconnectAsync(true);
}
