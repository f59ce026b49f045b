namespace OpenMailserver.Server.Imap.Ordering;

/// <summary>THREAD=REFERENCES (RFC 5256 §4, after Jamie Zawinski's algorithm): messages linked by Message-ID,
/// References and In-Reply-To into trees, with dummies for referred messages that are not among the matches, pruned,
/// then top-level threads of one base subject gathered, and every set of siblings ordered by sent date. Messages are
/// added one at a time (step 1), so what they refer to need not be held for all of them at once.</summary>
/// <param name="matches">How many messages will be added: the dummies they may make are bounded by it.</param>
public sealed class ReferencesThreading(int matches)
{
    /// <summary>How far one loop check climbs: a longer chain of replies is not linked further up.</summary>
    public const int MaxClimb = 10_000;

    /// <summary>How far all loop checks of one THREAD climb together; past it, no link that needs a check is made, so a
    /// folder built to make every check climb costs this much, not its size times the chain.</summary>
    public const long MaxClimbTotal = 20_000_000;

    /// <summary>Dummies per message (a message names at most 50 references): past this, references to messages not
    /// seen yet are passed over, so a folder of made-up references cannot fill memory with them.</summary>
    private const int DummiesPerMessage = 8;

    private readonly Dictionary<string, ThreadNode> _byId = new(StringComparer.Ordinal);
    private readonly List<ThreadNode> _all = [];
    private readonly long _maxDummies = 1000 + (long)DummiesPerMessage * matches;
    private long _dummies;
    private long _climbed;

    /// <summary>Step 1 for one message, added in ascending sequence number (of two with one Message-ID, the first keeps
    /// it): it fills the dummy its Message-ID names, or takes a container of its own; (A) its references (oldest
    /// first: References, or else the first of In-Reply-To) are linked in a chain where no link is yet; (B) the last
    /// one becomes its parent.</summary>
    public void Add(uint number, long sentDate, string subject, bool replyOrForward, string messageId, IReadOnlyList<string> references)
    {
        ThreadNode node;
        var named = messageId.Length > 0 ? _byId.GetValueOrDefault(messageId) : null;
        if (named is { IsDummy: true })
        {
            node = named;
            node.Fill(number, sentDate, subject, replyOrForward);
        }
        else
        {
            node = new ThreadNode(number, sentDate, subject, replyOrForward);
            _all.Add(node);
            if (messageId.Length > 0 && named is null) _byId[messageId] = node;
        }
        ThreadNode? previous = null;
        foreach (var reference in references)
        {
            // A message naming itself is no reference.
            if (reference == messageId) continue;
            if (Container(reference) is not { } container) break;
            if (previous is not null && container.Parent is null && CanLink(previous, container)) previous.Add(container);
            previous = container;
        }
        node.Detach();
        if (previous is not null && CanLink(previous, node)) previous.Add(node);
    }

    private ThreadNode? Container(string id)
    {
        if (_byId.TryGetValue(id, out var found)) return found;
        if (_dummies >= _maxDummies) return null;
        _dummies++;
        var dummy = ThreadNode.Dummy();
        _all.Add(dummy);
        return _byId[id] = dummy;
    }

    /// <summary>Whether <paramref name="parent"/> may become the parent of <paramref name="child"/> without a loop: it
    /// is not the child, nor below it. A child without children has nothing below it.</summary>
    private bool CanLink(ThreadNode parent, ThreadNode child)
    {
        if (ReferenceEquals(parent, child)) return false;
        if (child.Children.Count == 0) return true;
        var climbed = 0;
        for (var at = parent; at is not null; at = at.Parent)
            if (ReferenceEquals(at, child) || ++climbed > MaxClimb || ++_climbed > MaxClimbTotal) return false;
        return true;
    }

    /// <summary>Steps 2 to 6: the root set, dummies pruned, sorted, gathered by subject, sorted again.</summary>
    public List<ThreadNode> Finish()
    {
        var root = ThreadNode.Dummy();
        foreach (var node in _all.Where(n => n.Parent is null)) root.Add(node);
        Prune(root);
        var roots = root.Children;
        ThreadNode.SortAll(roots);
        roots = GatherBySubject(roots);
        ThreadNode.SortAll(roots);
        foreach (var top in roots) top.Parent = null;
        return roots;
    }

    /// <summary>(3) Bottom up: a dummy without children goes; one with children gives them its place, except at the top,
    /// where it stays if it has more than one.</summary>
    private static void Prune(ThreadNode root)
    {
        var all = ThreadNode.TopDown([root]);
        for (var i = all.Count - 1; i >= 0; i--)
        {
            var node = all[i];
            var kept = new List<ThreadNode>(node.Children.Count);
            foreach (var child in node.Children)
            {
                if (!child.IsDummy || (ReferenceEquals(node, root) && child.Children.Count > 1))
                {
                    kept.Add(child);
                    continue;
                }
                foreach (var grandchild in child.Children)
                {
                    grandchild.Parent = node;
                    kept.Add(grandchild);
                }
            }
            node.Children = kept;
        }
    }

    /// <summary>(5) Top-level threads whose subjects are the same base subject become one: a dummy or an original
    /// (not a reply) takes the others in, else both go under a new dummy. Each gathered thread stands where the
    /// first of its parts stood.</summary>
    private static List<ThreadNode> GatherBySubject(List<ThreadNode> roots)
    {
        static ThreadNode Subjected(ThreadNode n) => n.IsDummy && n.Children.Count > 0 ? n.Children[0] : n;
        foreach (var node in roots) node.Parent = null;
        var table = new Dictionary<string, ThreadNode>(StringComparer.Ordinal);
        foreach (var node in roots)
        {
            var subject = Subjected(node).Subject;
            if (subject.Length == 0) continue;
            if (!table.TryGetValue(subject, out var old)) table[subject] = node;
            else if (!old.IsDummy && (node.IsDummy || (Subjected(old).ReplyOrForward && !Subjected(node).ReplyOrForward))) table[subject] = node;
        }
        foreach (var node in roots)
        {
            // Gathered under another already.
            if (node.Parent is not null) continue;
            var subject = Subjected(node).Subject;
            if (subject.Length == 0 || !table.TryGetValue(subject, out var kept) || ReferenceEquals(kept, node)) continue;
            if (kept.IsDummy && node.IsDummy)
            {
                foreach (var child in node.Children) kept.Add(child);
                node.Children = [];
                // Gone: pointing at the dummy that took its children, so its place is that dummy's.
                node.Parent = kept;
            }
            else if (kept.IsDummy || (Subjected(node).ReplyOrForward && !Subjected(kept).ReplyOrForward)) kept.Add(node);
            else
            {
                var dummy = ThreadNode.Dummy();
                dummy.Add(kept);
                dummy.Add(node);
                table[subject] = dummy;
            }
        }
        var result = new List<ThreadNode>();
        var placed = new HashSet<ThreadNode>(ReferenceEqualityComparer.Instance);
        foreach (var node in roots)
        {
            var top = node;
            while (top.Parent is not null) top = top.Parent;
            if (placed.Add(top)) result.Add(top);
        }
        return result;
    }
}
