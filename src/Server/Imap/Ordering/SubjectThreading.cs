namespace OpenMailserver.Server.Imap.Ordering;

/// <summary>THREAD=ORDEREDSUBJECT (RFC 5256 §4): messages of one base subject make a thread, its first by sent date
/// the parent of all the others; threads in the order of their first message.</summary>
public static class SubjectThreading
{
    /// <param name="messages">The matches, each with its base subject as a collation key.</param>
    public static List<ThreadNode> Build(IEnumerable<ThreadNode> messages)
    {
        var roots = new List<ThreadNode>();
        foreach (var thread in messages.GroupBy(m => m.Subject, StringComparer.Ordinal))
        {
            var ordered = thread.OrderBy(m => m.Order).ToList();
            foreach (var child in ordered.Skip(1)) ordered[0].Add(child);
            roots.Add(ordered[0]);
        }
        roots.Sort((a, b) => a.Order.CompareTo(b.Order));
        return roots;
    }
}
