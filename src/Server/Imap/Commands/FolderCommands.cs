using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST (with LIST-EXTENDED,
/// SPECIAL-USE, CHILDREN and LIST-STATUS), LSUB, STATUS. Folder names use '/' as the hierarchy delimiter
/// and modified UTF-7 on the wire.</summary>
public sealed partial class ImapSession
{
    private const char Delimiter = MessageChanges.Delimiter;
    private const int MaxListPatterns = 32;

    private static readonly string[] StatusItems = ["MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "SIZE"];

    /// <summary>A folder name argument: decoded, INBOX in any case made INBOX, trailing '/' dropped, checked.
    /// A name the grammar allows (any quoted string is a mailbox) but no folder can have is NO [CANNOT], not BAD.</summary>
    private static string FolderName(ImapReader reader)
    {
        var name = ModifiedUtf7.Decode(reader.AString("a folder name")).TrimEnd(Delimiter);
        // Normalize reads a blank name as INBOX (as the API does); in IMAP it names no folder.
        name = string.IsNullOrWhiteSpace(name) ? "" : SpecialFolders.Normalize(name);
        if (name.Length == 0 || name.Length > 255 || name.StartsWith(Delimiter) || name.Contains("//") || name.Any(ch => char.IsControl(ch) || ch is '*' or '%'))
            throw new MailServerException(ErrorKind.InvalidArgument, $"[CANNOT] \"{Shorten(name)}\" is not a valid folder name");
        return name;
    }

    private async Task<FolderRecord?> FindFolderAsync(string name) => await _services.Messages.FindFolderAsync(User!.Id, name);

    /// <summary>The named folder, or null after answering NO [NONEXISTENT].</summary>
    private async Task<FolderRecord?> ExistingFolderAsync(ImapCommand c, ImapResponse r, string name)
    {
        var folder = await FindFolderAsync(name);
        if (folder is null) r.Tagged(c.Tag, "NO", $"[NONEXISTENT] No folder {Shorten(name)}");
        return folder;
    }

    private async Task SelectAsync(ImapCommand c, ImapResponse r, bool readOnly)
    {
        var a = c.Arguments;
        a.Space();
        var name = FolderName(a);
        a.End();
        if (Selected is not null) r.Untagged("OK [CLOSED] Previous folder closed");
        Selected = null;
        State = SessionState.Authenticated;
        var folder = await ExistingFolderAsync(c, r, name);
        if (folder is null) return;
        var entries = (await _services.Messages.ListEntriesAsync(folder.Id)).ToList();
        var selected = new SelectedFolder(folder, entries, readOnly);
        await TakeRecentAsync(selected, entries, folder.FirstRecentUid);
        selected.NewKeywords(entries);
        Selected = selected;
        State = SessionState.Selected;
        WriteFlagLists(r, selected);
        r.Untagged($"{entries.Count} EXISTS").Untagged($"{selected.RecentCount} RECENT");
        var firstUnseen = entries.FindIndex(e => !e.FlagSet.Contains(MessageFlags.Seen));
        if (firstUnseen >= 0) r.Untagged($"OK [UNSEEN {firstUnseen + 1}] First unseen");
        r.Untagged($"OK [UIDVALIDITY {folder.UidValidity}] UIDs valid").Untagged($"OK [UIDNEXT {folder.UidNext}] Predicted next UID");
        r.Tagged(c.Tag, "OK", readOnly ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed");
    }

    private async Task CreateAsync(ImapCommand c, ImapResponse r)
    {
        var a = c.Arguments;
        a.Space();
        var name = FolderName(a);
        a.End();
        if (await _services.Changes.CreateFolderAsync(User!.Id, name) == StoreRefusal.FolderExists)
        {
            r.Tagged(c.Tag, "NO", $"[ALREADYEXISTS] {Shorten(name)} already exists");
            return;
        }
        r.Tagged(c.Tag, "OK", "CREATE completed");
    }

    private async Task DeleteAsync(ImapCommand c, ImapResponse r)
    {
        var a = c.Arguments;
        a.Space();
        var name = FolderName(a);
        a.End();
        var folder = await ExistingFolderAsync(c, r, name);
        if (folder is null) return;
        if (name == SpecialFolders.Inbox || folder.SpecialUse is not null)
        {
            r.Tagged(c.Tag, "NO", $"[CANNOT] {name} is a special folder and cannot be deleted");
            return;
        }
        switch (await _services.Changes.DeleteFolderAsync(User!.Id, folder))
        {
            case StoreRefusal.HasChildren:
                r.Tagged(c.Tag, "NO", $"[HASCHILDREN] {Shorten(name)} has subfolders; delete them first");
                return;
            case StoreRefusal.NoFolder:
                r.Tagged(c.Tag, "NO", $"[NONEXISTENT] No folder {Shorten(name)}");
                return;
        }
        if (Selected?.Folder.Id == folder.Id)
        {
            Selected = null;
            State = SessionState.Authenticated;
        }
        r.Tagged(c.Tag, "OK", "DELETE completed");
    }

    private async Task RenameAsync(ImapCommand c, ImapResponse r)
    {
        var a = c.Arguments;
        a.Space();
        var from = FolderName(a);
        a.Space();
        var to = FolderName(a);
        a.End();
        var folder = await ExistingFolderAsync(c, r, from);
        if (folder is null) return;
        if (from == SpecialFolders.Inbox || to == SpecialFolders.Inbox)
        {
            r.Tagged(c.Tag, "NO", "[CANNOT] INBOX cannot be renamed, nor can a folder take its name");
            return;
        }
        if (to.StartsWith(from + Delimiter, StringComparison.Ordinal))
        {
            r.Tagged(c.Tag, "NO", "[CANNOT] A folder cannot be moved inside itself");
            return;
        }
        switch (await _services.Changes.RenameFolderAsync(User!.Id, from, to))
        {
            case StoreRefusal.FolderExists:
                r.Tagged(c.Tag, "NO", $"[ALREADYEXISTS] {Shorten(to)} already exists");
                return;
            case StoreRefusal.NoFolder:
                r.Tagged(c.Tag, "NO", $"[NONEXISTENT] No folder {Shorten(from)}");
                return;
        }
        r.Tagged(c.Tag, "OK", "RENAME completed");
    }

    private async Task SubscribeAsync(ImapCommand c, ImapResponse r, bool subscribe)
    {
        var a = c.Arguments;
        a.Space();
        var name = FolderName(a);
        a.End();
        // A name can be unsubscribed after its folder is gone (LIST shows it \NonExistent until then).
        if (subscribe && await ExistingFolderAsync(c, r, name) is null) return;
        await _services.Changes.SetSubscribedAsync(User!.Id, name, subscribe);
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }

    /// <summary>LIST (with RFC 5258 selection and return options) and LSUB. Names come from the folders and,
    /// where subscriptions matter, from the subscriptions, which outlive their folders.</summary>
    private async Task ListAsync(ImapCommand c, ImapResponse r)
    {
        var a = c.Arguments;
        var lsub = c.Name == "LSUB";
        a.Space();
        var selectSubscribed = false;
        var selectSpecialUse = false;
        var recursiveMatch = false;
        if (!lsub && a.TryExpect('('))
        {
            while (!a.TryExpect(')'))
            {
                a.TrySpace();
                var option = a.Atom("a selection option").ToUpperInvariant();
                if (option == "SUBSCRIBED") selectSubscribed = true;
                else if (option == "SPECIAL-USE") selectSpecialUse = true;
                else if (option == "RECURSIVEMATCH") recursiveMatch = true;
                else if (option != "REMOTE") throw new ImapParseException($"Unknown LIST selection option {option}");
            }
            // RFC 5258 §3: RECURSIVEMATCH only qualifies another selection option.
            if (recursiveMatch && !selectSubscribed && !selectSpecialUse)
                throw new ImapParseException("RECURSIVEMATCH needs another selection option (SUBSCRIBED or SPECIAL-USE)");
            a.Space();
        }
        var reference = ModifiedUtf7.Decode(a.AString("a reference"));
        a.Space();
        var patterns = new List<string>();
        if (!lsub && a.TryExpect('('))
        {
            patterns.Add(ListPattern(a));
            while (a.TrySpace())
            {
                // Each pattern is matched against every folder: a few serve any client (RFC 5258 shows two).
                if (patterns.Count == MaxListPatterns) throw new ImapParseException($"LIST takes at most {MaxListPatterns} patterns");
                patterns.Add(ListPattern(a));
            }
            a.Expect(')');
        }
        else patterns.Add(ListPattern(a));

        var returnSubscribed = selectSubscribed;
        var statusItems = new List<string>();
        if (!lsub && a.TrySpace())
        {
            if (!a.TryWord("RETURN")) throw new ImapParseException("Expected RETURN options");
            a.Space();
            a.Expect('(');
            while (!a.TryExpect(')'))
            {
                a.TrySpace();
                var option = a.Atom("a return option").ToUpperInvariant();
                switch (option)
                {
                    case "SUBSCRIBED": returnSubscribed = true; break;
                    case "CHILDREN" or "SPECIAL-USE": break;
                    case "STATUS":
                        a.Space();
                        statusItems = ParseStatusItems(a);
                        break;
                    default: throw new ImapParseException($"Unknown LIST return option {option}");
                }
            }
        }
        a.End();

        if (patterns.Count == 1 && patterns[0].Length == 0)
        {
            // LIST "" "": the hierarchy delimiter and root.
            r.Untagged($"{c.Name} (\\Noselect) \"/\" \"\"").Tagged(c.Tag, "OK", $"{c.Name} completed");
            return;
        }

        var folders = (await _services.Messages.ListFoldersAsync(User!.Id)).ToDictionary(f => f.Name, StringComparer.Ordinal);
        var subscribed = lsub || selectSubscribed || returnSubscribed ? await _services.Messages.ListSubscriptionsAsync(User.Id) : new HashSet<string>();
        var matchers = patterns.Select(p => new MailboxPattern(reference + p, Delimiter)).ToList();
        // INBOX is matched in any case; every other name exactly.
        bool Matches(string name) => matchers.Any(m => m.Matches(name, ignoreCase: name == SpecialFolders.Inbox));
        bool HasChildren(string name) => folders.Keys.Any(f => f.StartsWith(name + Delimiter, StringComparison.Ordinal));

        var listed = new List<(string Name, List<string> Attributes, string Extended)>();
        if (lsub)
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
                (!selectSubscribed || subscribed.Contains(name)) && (!selectSpecialUse || folders.GetValueOrDefault(name)?.SpecialUse is not null);
            var names = selectSubscribed ? folders.Keys.Union(subscribed, StringComparer.Ordinal) : folders.Keys;
            var criteria = string.Join(' ', new[] { selectSubscribed ? "\"SUBSCRIBED\"" : null, selectSpecialUse ? "\"SPECIAL-USE\"" : null }.OfType<string>());
            var selectAll = !selectSubscribed && !selectSpecialUse;
            foreach (var name in names)
            {
                if (!Matches(name)) continue;
                var isSelected = selectAll || MeetsCriteria(name);
                // RFC 5258 §3: with RECURSIVEMATCH a name is also listed for a descendant that meets the criteria.
                var childInfo = recursiveMatch && names.Any(n => n.StartsWith(name + Delimiter, StringComparison.Ordinal) && MeetsCriteria(n));
                if (!isSelected && !childInfo) continue;
                var attributes = new List<string>();
                if (folders.TryGetValue(name, out var folder))
                {
                    attributes.Add(HasChildren(name) ? "\\HasChildren" : "\\HasNoChildren");
                    if (folder.SpecialUse is not null) attributes.Add(folder.SpecialUse);
                }
                else attributes.Add("\\NonExistent");
                if (returnSubscribed && subscribed.Contains(name)) attributes.Add("\\Subscribed");
                listed.Add((name, attributes, childInfo ? $" (\"CHILDINFO\" ({criteria}))" : ""));
            }
        }

        foreach (var (name, attributes, extended) in listed.OrderBy(l => l.Name == SpecialFolders.Inbox ? 0 : 1).ThenBy(l => l.Name, StringComparer.Ordinal))
        {
            r.Raw("* ").Raw(c.Name).Raw(" (").Raw(string.Join(' ', attributes)).Raw(") \"/\" ").String(ModifiedUtf7.Encode(name)).Raw(extended).Line();
            if (statusItems.Count > 0 && folders.TryGetValue(name, out var folder)) await WriteStatusAsync(r, folder, statusItems);
        }
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }

    /// <summary>The superior levels of a name, nearest first: "a/b/c" gives "a/b", then "a".</summary>
    private static IEnumerable<string> Ancestors(string name)
    {
        for (var i = name.LastIndexOf(Delimiter); i > 0; i = name.LastIndexOf(Delimiter, i - 1))
            yield return name[..i];
    }

    private static string ListPattern(ImapReader a)
    {
        // list-mailbox allows '%' and '*', which are not atom characters.
        if (a.Peek() is '"' or '{') return ModifiedUtf7.Decode(a.String("a pattern"));
        return ModifiedUtf7.Decode(a.ListPatternAtom());
    }

    private static List<string> ParseStatusItems(ImapReader a)
    {
        a.Expect('(');
        var items = new List<string> { a.Atom("a status item").ToUpperInvariant() };
        while (a.TrySpace()) items.Add(a.Atom("a status item").ToUpperInvariant());
        a.Expect(')');
        foreach (var item in items)
            if (!StatusItems.Contains(item)) throw new ImapParseException($"Unknown STATUS item {item}");
        // Each item is counted once however often it is asked for.
        return [.. items.Distinct()];
    }

    private async Task StatusAsync(ImapCommand c, ImapResponse r)
    {
        var a = c.Arguments;
        a.Space();
        var name = FolderName(a);
        a.Space();
        var items = ParseStatusItems(a);
        a.End();
        var folder = await ExistingFolderAsync(c, r, name);
        if (folder is null) return;
        await WriteStatusAsync(r, folder, items);
        r.Tagged(c.Tag, "OK", "STATUS completed");
    }

    private async Task WriteStatusAsync(ImapResponse r, FolderRecord folder, IReadOnlyList<string> items)
    {
        var (messages, unseen) = await _services.Messages.CountsAsync(folder.Id);
        var values = new List<string>();
        foreach (var item in items)
        {
            values.Add(item + " " + item switch
            {
                "MESSAGES" => messages,
                "RECENT" => (await _services.Messages.ListEntriesAsync(folder.Id)).Count(e => e.Uid >= folder.FirstRecentUid),
                "UIDNEXT" => folder.UidNext,
                "UIDVALIDITY" => folder.UidValidity,
                "UNSEEN" => unseen,
                "SIZE" => (await _services.Messages.ListEntriesAsync(folder.Id)).Sum(e => e.Size),
                _ => 0,
            });
        }
        r.Raw("* STATUS ").String(ModifiedUtf7.Encode(folder.Name)).Raw(" (").Raw(string.Join(' ', values)).Raw(")").Line();
    }
}
