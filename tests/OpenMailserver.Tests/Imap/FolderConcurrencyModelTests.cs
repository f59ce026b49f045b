using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using OpenMailserver.Tests.Infrastructure;

namespace OpenMailserver.Tests.Imap;

/// <summary>Three IMAP sessions and the REST API change flags, move, append and expunge in one folder, in a
/// seeded random schedule (some steps at once), and after every step the folder as the server has it is
/// compared with a model of it kept here. The model applies each change to the folder's true state, so a
/// change written from a session's stale copy (a lost flag, an expunge of an undeleted message) shows up
/// as a difference at the step that caused it.</summary>
[Collection(SharedMailServerCollection.Name)]
public sealed partial class FolderConcurrencyModelTests(SharedMailServer server)
{
    private static readonly string[] Flags = ["\\Seen", "\\Flagged", "\\Answered", "\\Deleted", "$Work"];
    private const int Sessions = 3;

    /// <summary>The folder as it should be: UID → flags; and what each session knows (the UIDs present after
    /// its last command, which is when it was last told), since a session acts only on messages it knows.</summary>
    private sealed class Model
    {
        public SortedDictionary<long, HashSet<string>> Inbox { get; } = [];
        public int Archived { get; set; }
        public HashSet<long>[] Known { get; } = Enumerable.Range(0, Sessions).Select(_ => new HashSet<long>()).ToArray();
        public Dictionary<long, string> Subjects { get; } = [];

        public void Synced(int session) => Known[session] = Inbox.Keys.ToHashSet();

        public bool Reaches(int session, long uid) => Known[session].Contains(uid) && Inbox.ContainsKey(uid);

        public string Describe(long uid) => string.Join(' ', Inbox[uid].Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Flags_moves_and_expunges_from_every_door_match_the_model()
    {
        const int seed = 3501;
        const int steps = 200;
        var budget = Stopwatch.StartNew();
        var random = new Random(seed);
        var log = new List<string>();

        var box = await server.CreateMailboxAsync();
        using var api = server.Rest(box.Key);
        await using var checker = await ImapConversation.LoginAsync(server, box);
        await checker.CommandAsync("CREATE Archive");
        var model = new Model();
        for (var i = 1; i <= 4; i++)
        {
            var uid = await checker.AppendAsync("INBOX", $"m{i}");
            model.Inbox[uid] = new(StringComparer.OrdinalIgnoreCase);
            model.Subjects[uid] = $"m{i}";
        }
        var sessions = new ImapConversation[Sessions];
        for (var s = 0; s < Sessions; s++)
        {
            sessions[s] = await ImapConversation.LoginAsync(server, box);
            await sessions[s].CommandAsync("SELECT INBOX");
            model.Synced(s);
        }
        var ids = new Dictionary<long, string>();

        try
        {
            // The two losses this guards against, first as a fixed prelude, then in the random schedule.
            var first = model.Inbox.Keys.First();
            await StoreAsync(0, first, "+", "\\Answered");
            await StoreAsync(1, first, "-", "\\Seen");
            await StoreAsync(0, first, "+", "\\Deleted");
            await StoreAsync(1, first, "-", "\\Deleted");
            await ExpungeAsync(0);

            for (var step = 0; step < steps && budget.Elapsed < TimeSpan.FromSeconds(15); step++)
            {
                var session = random.Next(Sessions);
                var uid = model.Inbox.Count == 0 ? 0 : model.Inbox.Keys.ElementAt(random.Next(model.Inbox.Count));
                var flag = Flags[random.Next(Flags.Length)];
                switch (model.Inbox.Count == 0 ? 9 : random.Next(10))
                {
                    case 0 or 1 or 2: await StoreAsync(session, uid, random.Next(2) == 0 ? "+" : "-", flag); break;
                    case 3 or 4: await PatchAsync(uid, random.Next(6)); break;
                    case 5: await ExpungeAsync(session); break;
                    case 6: await MoveAsync(session, uid); break;
                    case 7 or 8: await AtOnceAsync(session, uid, flag, random); break;
                    default: await AppendAsync(session, random.Next(2) == 0 ? "" : flag); break;
                }
                await CheckAsync();
            }
        }
        finally
        {
            foreach (var s in sessions) await s.DisposeAsync();
        }

        async Task StoreAsync(int s, long uid, string sign, string flag)
        {
            log.Add($"S{s} UID STORE {uid} {sign}FLAGS ({flag})");
            var reply = await sessions[s].CommandAsync($"UID STORE {uid} {sign}FLAGS ({flag})");
            Assert.Contains(" OK ", reply.Last());
            if (model.Reaches(s, uid))
            {
                Apply(uid, sign, flag);
                // The reply shows the flags as stored after the change, other doors' changes included.
                Assert.Contains(reply, l => FetchLine().Match(l) is { Success: true } m && m.Groups[1].Value == uid.ToString() && WithoutRecent(m.Groups[2].Value) == model.Describe(uid));
            }
            model.Synced(s);
            await CheckAsync();
        }

        async Task ExpungeAsync(int s)
        {
            log.Add($"S{s} EXPUNGE");
            Assert.Contains(" OK ", (await sessions[s].CommandAsync("EXPUNGE")).Last());
            foreach (var gone in model.Inbox.Where(m => m.Value.Contains("\\Deleted")).Select(m => m.Key).ToList()) model.Inbox.Remove(gone);
            model.Synced(s);
            await CheckAsync();
        }

        async Task MoveAsync(int s, long uid)
        {
            log.Add($"S{s} UID MOVE {uid} Archive");
            Assert.Contains(" OK ", (await sessions[s].CommandAsync($"UID MOVE {uid} Archive")).Last());
            if (model.Reaches(s, uid))
            {
                model.Inbox.Remove(uid);
                model.Archived++;
            }
            model.Synced(s);
        }

        async Task AppendAsync(int s, string flag)
        {
            var subject = $"m{model.Subjects.Count + 1}";
            log.Add($"S{s} APPEND {subject} ({flag})");
            var uid = await sessions[s].AppendAsync("INBOX", subject, flag);
            model.Inbox[uid] = new(StringComparer.OrdinalIgnoreCase);
            if (flag.Length > 0) model.Inbox[uid].Add(flag);
            model.Subjects[uid] = subject;
            model.Synced(s);
        }

        async Task PatchAsync(long uid, int kind)
        {
            var id = await IdAsync(uid);
            object body = kind switch
            {
                0 => new { address = box.Address, seen = true },
                1 => new { address = box.Address, seen = false },
                2 => new { address = box.Address, flagged = true },
                3 => new { address = box.Address, flagged = false },
                4 => new { address = box.Address, add_labels = new[] { "$Work" } },
                _ => new { address = box.Address, remove_labels = new[] { "$Work" } },
            };
            log.Add($"REST PATCH {uid} #{kind}");
            var response = await api.PatchAsJsonAsync($"/v1/messages/{id}", body);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var (sign, flag) = kind switch { 0 => ("+", "\\Seen"), 1 => ("-", "\\Seen"), 2 => ("+", "\\Flagged"), 3 => ("-", "\\Flagged"), 4 => ("+", "$Work"), _ => ("-", "$Work") };
            Apply(uid, sign, flag);
        }

        // Two changes to the same message at the same moment, from two sessions or a session and the API:
        // one adds a flag, the other removes a different one, so both must survive in any order.
        async Task AtOnceAsync(int s, long uid, string flag, Random random)
        {
            var other = (s + 1 + random.Next(Sessions - 1)) % Sessions;
            var removed = Flags.First(f => f != flag && f != "\\Deleted" && f != "\\Answered");
            log.Add($"AT ONCE: S{s} UID STORE {uid} +FLAGS ({flag}) | S{other} or REST -{removed}");
            var reachesS = model.Reaches(s, uid);
            var reachesOther = model.Reaches(other, uid);
            if (random.Next(2) == 0)
            {
                var replies = await Task.WhenAll(
                    sessions[s].CommandAsync($"UID STORE {uid} +FLAGS.SILENT ({flag})"),
                    sessions[other].CommandAsync($"UID STORE {uid} -FLAGS.SILENT ({removed})"));
                Assert.All(replies, r => Assert.Contains(" OK ", r.Last()));
                if (reachesOther) Apply(uid, "-", removed);
                model.Synced(other);
            }
            else
            {
                var id = await IdAsync(uid);
                var patch = removed == "\\Seen" ? (object)new { address = box.Address, seen = false }
                    : removed == "\\Flagged" ? new { address = box.Address, flagged = false } : new { address = box.Address, remove_labels = new[] { "$Work" } };
                var results = await Task.WhenAll(
                    sessions[s].CommandAsync($"UID STORE {uid} +FLAGS.SILENT ({flag})"),
                    api.PatchAsJsonAsync($"/v1/messages/{id}", patch).ContinueWith(t => new List<string> { t.Result.IsSuccessStatusCode ? "x OK" : "x NO" }));
                Assert.All(results, r => Assert.Contains(" OK", r.Last()));
                Apply(uid, "-", removed);
            }
            if (reachesS) Apply(uid, "+", flag);
            model.Synced(s);
        }

        void Apply(long uid, string sign, string flag)
        {
            if (!model.Inbox.TryGetValue(uid, out var flags)) return;
            if (sign == "+") flags.Add(flag);
            else flags.Remove(flag);
        }

        async Task<string> IdAsync(long uid)
        {
            if (ids.TryGetValue(uid, out var known)) return known;
            var listed = await api.GetJsonAsync($"/v1/mailboxes/{box.Address}/messages?folder=INBOX&limit=200");
            var bySubject = listed.EnumerateArray().ToDictionary(m => m.GetProperty("subject").GetString()!, m => m.GetProperty("id").GetString()!);
            foreach (var (u, subject) in model.Subjects)
                if (bySubject.TryGetValue(subject, out var id)) ids.TryAdd(u, id);
            return ids[uid];
        }

        async Task CheckAsync()
        {
            await checker.CommandAsync("EXAMINE INBOX");
            var actual = new SortedDictionary<long, string>();
            foreach (var line in await checker.CommandAsync("UID FETCH 1:* (FLAGS)"))
            {
                var match = FetchLine().Match(line);
                if (!match.Success) continue;
                actual[long.Parse(match.Groups[1].Value)] = WithoutRecent(match.Groups[2].Value);
            }
            var expected = new SortedDictionary<long, string>(model.Inbox.ToDictionary(m => m.Key, m => model.Describe(m.Key)));
            var archived = await checker.CommandAsync("STATUS Archive (MESSAGES)");
            Assert.True(expected.SequenceEqual(actual) && archived[0] == $"* STATUS \"Archive\" (MESSAGES {model.Archived})",
                $"after:\n{string.Join('\n', log)}\nexpected {Show(expected)} archived {model.Archived}\nactual   {Show(actual)} {archived[0]}");
        }

        static string Show(SortedDictionary<long, string> folder) => string.Join(", ", folder.Select(m => $"{m.Key}:({m.Value})"));
    }

    /// <summary>Flags as the model keeps them: \Recent is a session's, not the folder's.</summary>
    private static string WithoutRecent(string flags) =>
        string.Join(' ', flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f != "\\Recent").Order(StringComparer.Ordinal));

    [GeneratedRegex(@"^\* \d+ FETCH \(UID (\d+) FLAGS \(([^)]*)\)\)$")]
    private static partial Regex FetchLine();
}
