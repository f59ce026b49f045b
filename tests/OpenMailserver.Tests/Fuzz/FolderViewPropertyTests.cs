extern alias ServerAssembly;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Imap.Protocol;
using ServerAssembly::OpenMailserver.Server.Imap.Session;
using ServerAssembly::OpenMailserver.Server.Storage;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>A session's view of a folder, kept in chunks so that it can be shared and changed in place of a
/// whole list: after any arrivals and expunges it answers every question exactly as a plain sorted list of the
/// same UIDs would, and a sequence set resolves to what testing each message against the set gives.</summary>
public sealed class FolderViewPropertyTests
{
    /// <summary>Ascending UIDs with gaps, up to three chunks' worth, so chunk edges are crossed.</summary>
    private static readonly Gen<List<uint>> Uids = Gen.Select(Gen.Int[0, 3 * UidList.ChunkSize], Gen.UInt[1, 3], Gen.UInt)
        .Select((count, gap, seed) =>
        {
            var random = new Random((int)seed);
            var uids = new List<uint>(count);
            for (uint uid = 1, i = 0; i < count; i++, uid += (uint)random.Next(1, (int)gap + 1)) uids.Add(uid);
            return uids;
        });

    /// <summary>A change: how many arrive (with gaps), and which share of the present ones an expunge removes.</summary>
    private static readonly Gen<(int Arrivals, double Expunged, int Seed)[]> Changes =
        Gen.Select(Gen.Int[0, UidList.ChunkSize + 10], Gen.Frequency((3, Gen.Double[0, 0.05]), (1, Gen.Double[0, 1])), Gen.Int).Array[1, 6];

    [Fact]
    public void After_any_arrivals_and_expunges_the_view_answers_as_a_sorted_list()
    {
        Gen.Select(Uids, Changes).Sample((initial, changes) =>
        {
            var list = UidList.From(initial);
            var model = new List<uint>(initial);
            Same(model, list);
            foreach (var (arrivals, share, seed) in changes)
            {
                var random = new Random(seed);
                var removed = model.Where(_ => random.NextDouble() < share).ToHashSet();
                // A UID that is not in the view is passed over.
                removed.Add((model.Count == 0 ? 0 : model[^1]) + 1000);
                var earlier = list;
                var earlierUids = earlier.Range(0, earlier.Count - 1).ToList();
                list = list.Remove(removed);
                model.RemoveAll(removed.Contains);
                Same(model, list);
                var arrived = new List<uint>();
                for (uint uid = (model.Count == 0 ? 0 : model[^1]) + (uint)random.Next(1, 5), i = 0; i < arrivals; i++, uid += (uint)random.Next(1, 3)) arrived.Add(uid);
                list = list.Append(arrived);
                model.AddRange(arrived);
                Same(model, list);
                // Views are immutable: another session holding the earlier one still sees what it saw.
                Same(earlierUids, earlier);
            }
        }, iter: 60);
    }

    [Fact]
    public void A_changed_view_leaves_the_view_it_came_from_as_it_was()
    {
        var uids = Enumerable.Range(1, 3 * UidList.ChunkSize).Select(i => (uint)i).ToList();
        var shared = UidList.From(uids);
        var appended = shared.Append([(uint)uids.Count + 1]);
        var removed = shared.Remove(new HashSet<uint> { 1, (uint)UidList.ChunkSize + 1, (uint)uids.Count });
        Same(uids, shared);
        Same([.. uids, (uint)uids.Count + 1], appended);
        Same(uids.Where(u => u != 1 && u != UidList.ChunkSize + 1 && u != uids.Count).ToList(), removed);
    }

    [Fact]
    public void A_sequence_set_resolves_to_the_messages_it_contains()
    {
        var bound = Gen.Frequency<string>((5, Gen.UInt[1, 12_000].Select(n => n.ToString())), (1, Gen.Const("*")), (1, Gen.Const("4294967295")));
        var range = Gen.Select(bound, bound, Gen.Bool, (a, b, single) => single ? a : $"{a}:{b}");
        Gen.Select(Uids, range.Array[1, 5], Gen.Bool).Sample((uids, ranges, byUid) =>
        {
            var set = SequenceSet.Parse(string.Join(',', ranges));
            var folder = new SelectedFolder(new FolderRecord(1, 1, "INBOX", null, 1, 1, 1, 1, 0, 0, 0), UidList.From(uids), readOnly: false);
            var largest = byUid ? (uids.Count == 0 ? 0 : uids[^1]) : (uint)uids.Count;
            var expected = uids.Select((uid, i) => ((uint)(i + 1), uid)).Where(m => uids.Count > 0 && set.Contains(byUid ? m.uid : m.Item1, largest)).ToList();
            Assert.Equal(expected, folder.Resolve(set, byUid, new HashSet<uint>()));
        }, iter: 300);
    }

    private static void Same(List<uint> model, UidList list)
    {
        Assert.Equal(model.Count, list.Count);
        Assert.Equal(model.Count == 0 ? 0 : model[^1], list.Last);
        Assert.Equal(model, list.Range(0, list.Count - 1));
        var random = new Random(model.Count);
        for (var probe = 0; probe < 200; probe++)
        {
            var uid = (uint)random.Next(0, (int)(model.Count == 0 ? 10 : model[^1] + 10));
            var at = model.BinarySearch(uid);
            Assert.Equal(at < 0 ? -1 : at, list.IndexOf(uid));
            Assert.Equal(at < 0 ? ~at : at, list.CountBelow(uid));
            if (model.Count > 0)
            {
                var index = random.Next(model.Count);
                Assert.Equal(model[index], list[index]);
            }
        }
    }
}
