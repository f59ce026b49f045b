using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>LIST (with RFC 5258 selection and return options, SPECIAL-USE, CHILDREN and LIST-STATUS) and LSUB.
/// Names come from the folders and, where subscriptions matter, from the subscriptions, which outlive their folders.</summary>
public sealed class ListHandler : ICommandHandler
{
    private const char Delimiter = MessageChanges.Delimiter;

    public IReadOnlyList<string> Names => ["LIST", "LSUB"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var a = CommandParser.List(c.Arguments, lsub: c.Name == "LSUB");
        if (a.Patterns.Count == 1 && a.Patterns[0].Length == 0)
        {
            // LIST "" "": the hierarchy delimiter and root.
            r.Untagged($"{c.Name} (\\Noselect) \"/\" \"\"").Tagged(c.Tag, "OK", $"{c.Name} completed");
            return;
        }

        var store = session.Services.Messages;
        var userId = session.User!.Id;
        var folders = (await store.ListFoldersAsync(userId)).ToDictionary(f => f.Name, StringComparer.Ordinal);
        var subscribed = a.Lsub || a.SelectSubscribed || a.ReturnSubscribed ? await store.ListSubscriptionsAsync(userId) : new HashSet<string>();
        var matchers = a.Patterns.Select(p => new MailboxPattern(a.Reference + p, Delimiter)).ToList();
        // INBOX is matched in any case; every other name exactly.
        bool Matches(string name) => matchers.Any(m => m.Matches(name, ignoreCase: name == SpecialFolders.Inbox));
        bool HasChildren(string name) => ListHandler.HasChildren(folders.Keys, name);

        var listed = new List<(string Name, List<string> Attributes, string Extended)>();
        if (a.Lsub)
        {
            // RFC 3501 §6.3.9: a subscribed name the pattern does not reach is represented by the level of it the
            // pattern matches (with '%'), as \Noselect when that level is not subscribed itself.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in subscribed)
            {
                var level = Matches(name) ? name : Ancestors(name).FirstOrDefault(Matches);
                if (level is null || !seen.Add(level)) continue;
                var attributes = new List<string>();
                if (!subscribed.Contains(level) || !folders.ContainsKey(level)) attributes.Add("\\Noselect");
                if (folders.TryGetValue(level, out var folder))
                {
                    attributes.Add(HasChildren(level) ? "\\HasChildren" : "\\HasNoChildren");
                    if (folder.SpecialUse is not null) attributes.Add(folder.SpecialUse);
                }
                listed.Add((level, attributes, ""));
            }
        }
        else
        {
            bool MeetsCriteria(string name) =>
                (!a.SelectSubscribed || subscribed.Contains(name)) && (!a.SelectSpecialUse || folders.GetValueOrDefault(name)?.SpecialUse is not null);
            var names = a.SelectSubscribed ? folders.Keys.Union(subscribed, StringComparer.Ordinal) : folders.Keys;
            var criteria = string.Join(' ', new[] { a.SelectSubscribed ? "\"SUBSCRIBED\"" : null, a.SelectSpecialUse ? "\"SPECIAL-USE\"" : null }.OfType<string>());
            var selectAll = !a.SelectSubscribed && !a.SelectSpecialUse;
            foreach (var name in names)
            {
                if (!Matches(name)) continue;
                var isSelected = selectAll || MeetsCriteria(name);
                // RFC 5258 §3: with RECURSIVEMATCH a name is also listed for a descendant that meets the criteria.
                var childInfo = a.RecursiveMatch && names.Any(n => n.StartsWith(name + Delimiter, StringComparison.Ordinal) && MeetsCriteria(n));
                if (!isSelected && !childInfo) continue;
                var attributes = folders.TryGetValue(name, out var folder) ? Attributes(folder, folders.Keys) : ["\\NonExistent"];
                if (a.ReturnSubscribed && subscribed.Contains(name)) attributes.Add("\\Subscribed");
                listed.Add((name, attributes, childInfo ? $" (\"CHILDINFO\" ({criteria}))" : ""));
            }
        }

        foreach (var (name, attributes, extended) in listed.OrderBy(l => l.Name == SpecialFolders.Inbox ? 0 : 1).ThenBy(l => l.Name, StringComparer.Ordinal))
        {
            r.Raw("* ").Raw(c.Name).Raw(" (").Raw(string.Join(' ', attributes)).Raw(") \"/\" ").String(session.FolderOnWire(name)).Raw(extended).Line();
            if (a.StatusItems.Count > 0 && folders.TryGetValue(name, out var folder)) await StatusHandler.WriteAsync(session, r, folder, a.StatusItems);
        }
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }

    /// <summary>The superior levels of a name, nearest first: "a/b/c" gives "a/b", then "a".</summary>
    private static IEnumerable<string> Ancestors(string name)
    {
        for (var i = name.LastIndexOf(Delimiter); i > 0; i = name.LastIndexOf(Delimiter, i - 1))
            yield return name[..i];
    }

    /// <summary>A folder's attributes as LIST shows them: whether it has children, and its special use.</summary>
    public static List<string> Attributes(FolderRecord folder, IEnumerable<string> allNames)
    {
        var attributes = new List<string> { HasChildren(allNames, folder.Name) ? "\\HasChildren" : "\\HasNoChildren" };
        if (folder.SpecialUse is not null) attributes.Add(folder.SpecialUse);
        return attributes;
    }

    private static bool HasChildren(IEnumerable<string> allNames, string name) => allNames.Any(f => f.StartsWith(name + Delimiter, StringComparison.Ordinal));
}
