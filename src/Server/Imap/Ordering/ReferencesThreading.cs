namespace OpenMailserver.Server.Imap.Ordering;

/// <summary>THREAD=REFERENCES (RFC 5256 §4, after Jamie Zawinski's algorithm): messages linked by Message-ID,
/// References and In-Reply-To into trees, with dummies for referred messages that are not among the matches, pruned,
/// then top-level threads of one base subject gathered, and every set of siblings ordered by sent date.</summary>
public static class ReferencesThreading
{
    /// <summary>How far a loop check climbs: a longer chain of replies than this is not linked further up, so a folder
    /// made of one endless chain costs this much per link, not its length.</summary>
    public const int MaxClimb = 10_000;

    /// <summary>One match: its node, its Message-ID ("" when it has none) and what it refers to, oldest first
    /// (References, or else the first of In-Reply-To).</summary>
    public sealed record Message(ThreadNode Node, string MessageId, IReadOnlyList<string> References);

    /// <param name="messages">In ascending sequence number: of two with one Message-ID, the first keeps it.</param>
    public static List<ThreadNode> Build(IReadOnlyList<Message> messages)
    {
        var byId = new Dictionary<string, ThreadNode>(StringComparer.Ordinal);
        var all = new List<ThreadNode>();
        ThreadNode Container(string id)
        {
            if (byId.TryGetValue(id, out var found)) return found;
            var dummy = ThreadNode.Dummy();
            all.Add(dummy);
            return byId[id] = dummy;
        }

        // (1) Each message takes the container its Message-ID names (replacing the dummy a reference made) or one of
        // its own; (A) its references are linked in a chain where no link is yet; (B) the last one becomes its parent.
        var nodes = new Dictionary<ThreadNode, ThreadNode>(ReferenceEqualityComparer.Instance);
        foreach (var message in messages)
        {
            var node = message.Node;
            all.Add(node);
            if (message.MessageId.Length > 0 && (!byId.TryGetValue(message.MessageId, out var existing) || existing.IsDummy))
            {
                if (existing is not null) Replace(existing, node);
                byId[message.MessageId] = node;
            }
            ThreadNode? previous = null;
            foreach (var reference in message.References)
            {
                var container = Container(reference);
                if (previous is not null && container.Parent is null && CanLink(previous, container)) previous.Add(container);
                previous = container;
            }
            if (node.Parent is { } parent) parent.Children.Remove(node);
            node.Parent = null;
            if (previous is not null && CanLink(previous, node)) previous.Add(node);
        }

        // (2) The root set; (3) dummies pruned.
        var root = ThreadNode.Dummy();
        foreach (var node in all.Where(n => n.Parent is null && !ReferenceEquals(n, root))) root.Add(node);
        Prune(root);

        // (4) The roots by sent date; (5) those of one base subject gathered; (6) every set of siblings by sent date.
        var roots = root.Children;
        ThreadNode.SortAll(roots);
        roots = GatherBySubject(roots);
        ThreadNode.SortAll(roots);
        foreach (var top in roots) top.Parent = null;
        return roots;
    }

    /// <summary>A dummy that a message's own Message-ID names becomes that message: it takes its place and children.</summary>
    private static void Replace(ThreadNode dummy, ThreadNode message)
    {
        foreach (var child in dummy.Children) message.Add(child);
        dummy.Children = [];
        if (dummy.Parent is { } parent)
        {
            parent.Children[parent.Children.IndexOf(dummy)] = message;
            message.Parent = parent;
            dummy.Parent = null;
        }
    }

    /// <summary>Whether <paramref name="parent"/> may become the parent of <paramref name="child"/> without a loop: it
    /// is not the child, nor below it (climbing at most <see cref="MaxClimb"/> levels).</summary>
    private static bool CanLink(ThreadNode parent, ThreadNode child)
    {
        var climbed = 0;
        for (var at = parent; at is not null; at = at.Parent)
            if (ReferenceEquals(at, child) || ++climbed > MaxClimb) return false;
        return true;
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
