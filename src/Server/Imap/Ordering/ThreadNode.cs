using OpenMailserver.Server.Imap.Protocol;

namespace OpenMailserver.Server.Imap.Ordering;

/// <summary>A message in a thread tree, or a dummy standing for a message that is referred to but not among the
/// matches (<see cref="Number"/> 0), until the message comes and fills it. Trees can be as deep as a chain of
/// replies is long, so nothing here recurses.</summary>
public sealed class ThreadNode(uint number, long sentDate, string subject, bool replyOrForward)
{
    public uint Number { get; private set; } = number;
    public long SentDate { get; private set; } = sentDate;
    public string Subject { get; private set; } = subject;
    public bool ReplyOrForward { get; private set; } = replyOrForward;
    public bool IsDummy => Number == 0;
    public ThreadNode? Parent { get; set; }
    public List<ThreadNode> Children { get; set; } = [];

    /// <summary>Where the node is among its parent's children while links are made (<see cref="Detach"/>): the order
    /// of siblings does not matter until they are sorted.</summary>
    private int _index;

    public static ThreadNode Dummy() => new(0, 0, "", false);

    /// <summary>Makes a dummy the message it stood for, keeping its place and children.</summary>
    public void Fill(uint number, long sentDate, string subject, bool replyOrForward) =>
        (Number, SentDate, Subject, ReplyOrForward) = (number, sentDate, subject, replyOrForward);

    public void Add(ThreadNode child)
    {
        child.Parent = this;
        child._index = Children.Count;
        Children.Add(child);
    }

    /// <summary>Takes the node from its parent in constant time (the last sibling takes its place).</summary>
    public void Detach()
    {
        if (Parent is not { } parent) return;
        var last = parent.Children[^1];
        parent.Children[_index] = last;
        last._index = _index;
        parent.Children.RemoveAt(parent.Children.Count - 1);
        Parent = null;
    }

    /// <summary>Every node under <paramref name="roots"/>, each after its parent.</summary>
    public static List<ThreadNode> TopDown(IEnumerable<ThreadNode> roots)
    {
        var all = new List<ThreadNode>(roots);
        for (var i = 0; i < all.Count; i++) all.AddRange(all[i].Children);
        return all;
    }

    /// <summary>What siblings are ordered by: the sent date, then the number; a dummy by its first child.</summary>
    public (long Date, uint Number) Order => IsDummy && Children.Count > 0 ? Children[0].Order : (SentDate, Number);

    /// <summary>Orders every set of siblings by <see cref="Order"/>, the deepest first, and then the roots.</summary>
    public static void SortAll(List<ThreadNode> roots)
    {
        var all = TopDown(roots);
        for (var i = all.Count - 1; i >= 0; i--) all[i].Children.Sort((a, b) => a.Order.CompareTo(b.Order));
        roots.Sort((a, b) => a.Order.CompareTo(b.Order));
    }

    /// <summary>RFC 5256's thread-list for each root: "(2)(3 6 (4 23)(44 7 96))". A message with one child is followed
    /// by it; one with more, and a dummy, by a list for each; a dummy has no number. Written as it goes, flushed by
    /// <paramref name="flush"/> when it grows.</summary>
    public static async Task WriteAsync(ImapResponse r, IReadOnlyList<ThreadNode> roots, Func<Task> flush)
    {
        // A stack of what is left to write: text, or a node whose members come next.
        var pending = new Stack<object>();
        for (var i = roots.Count - 1; i >= 0; i--)
        {
            pending.Push(")");
            pending.Push(roots[i]);
            pending.Push("(");
        }
        while (pending.TryPop(out var next))
        {
            if (next is string text)
            {
                r.Raw(text);
                continue;
            }
            var node = (ThreadNode)next;
            if (!node.IsDummy) r.Number(node.Number);
            if (node.Children.Count == 0) continue;
            if (!node.IsDummy) r.Space();
            if (!node.IsDummy && node.Children.Count == 1) pending.Push(node.Children[0]);
            else
                for (var i = node.Children.Count - 1; i >= 0; i--)
                {
                    pending.Push(")");
                    pending.Push(node.Children[i]);
                    pending.Push("(");
                }
            if (r.Length > Session.ImapSession.ResponseFlushBytes) await flush();
        }
    }
}
