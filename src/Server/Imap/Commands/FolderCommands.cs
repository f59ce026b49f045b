using System.Text.RegularExpressions;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>SELECT, EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST (with LIST-EXTENDED,
/// SPECIAL-USE, CHILDREN and LIST-STATUS), LSUB, STATUS. Folder names use '/' as the hierarchy delimiter
/// and modified UTF-7 on the wire.</summary>
public sealed partial class ImapSession
{
    private const char Delimiter = '/';

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
        Selected = new SelectedFolder(folder, entries, readOnly);
        State = SessionState.Selected;
        r.Untagged("FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
        r.Untagged(readOnly ? "OK [PERMANENTFLAGS ()] Read-only" : "OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted");
        r.Untagged($"{entries.Count} EXISTS").Untagged("0 RECENT");
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
        if (await FindFolderAsync(name) is not null)
        {
            r.Tagged(c.Tag, "NO", $"[ALREADYEXISTS] {Shorten(name)} already exists");
            return;
        }
        await _services.Database.WriteAsync(tx => CreateLevelsAsync(tx, name, includeLast: true));
        r.Tagged(c.Tag, "OK", "CREATE completed");
    }

    /// <summary>Creates the superior levels of <paramref name="name"/> that are missing (and the folder
    /// itself with <paramref name="includeLast"/>), so the hierarchy has no holes (RFC 3501 §6.3.3).</summary>
    private async Task CreateLevelsAsync(System.Data.Common.DbTransaction tx, string name, bool includeLast)
    {
        var parts = name.Split(Delimiter);
        for (var i = 1; i <= parts.Length - (includeLast ? 0 : 1); i++)
        {
            var level = string.Join(Delimiter, parts[..i]);
            if (await _services.Messages.FindFolderAsync(User!.Id, level, tx) is null)
                await _services.Messages.CreateFolderAsync(tx, User.Id, level, null, UidValidity.New(_services.Time));
        }
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
        var folders = await _services.Messages.ListFoldersAsync(User!.Id);
        if (folders.Any(f => f.Name.StartsWith(name + Delimiter, StringComparison.Ordinal)))
        {
            r.Tagged(c.Tag, "NO", $"[HASCHILDREN] {Shorten(name)} has subfolders; delete them first");
            return;
        }
        await _services.Database.WriteAsync(tx => _services.Messages.DeleteFolderAsync(tx, folder.Id));
        if (Selected?.Folder.Id == folder.Id)
        {
            Selected = null;
            State = SessionState.Authenticated;
        }
        _services.Changes.Notify(User.Id);
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
        if (await FindFolderAsync(to) is not null)
        {
            r.Tagged(c.Tag, "NO", $"[ALREADYEXISTS] {Shorten(to)} already exists");
            return;
        }
        if (to.StartsWith(from + Delimiter, StringComparison.Ordinal))
        {
            r.Tagged(c.Tag, "NO", "[CANNOT] A folder cannot be moved inside itself");
            return;
        }
        var all = await _services.Messages.ListFoldersAsync(User!.Id);
        await _services.Database.WriteAsync(async tx =>
        {
            foreach (var f in all.Where(f => f.Name == from || f.Name.StartsWith(from + Delimiter, StringComparison.Ordinal)))
                await _services.Messages.RenameFolderAsync(tx, f.Id, to + f.Name[from.Length..], f.UidValidity);
            await CreateLevelsAsync(tx, to, includeLast: false);
        });
        _services.Changes.Notify(User.Id);
        r.Tagged(c.Tag, "OK", "RENAME completed");
    }

    private async Task SubscribeAsync(ImapCommand c, ImapResponse r, bool subscribe)
    {
        var a = c.Arguments;
        a.Space();
        var name = FolderName(a);
        a.End();
        var folder = await ExistingFolderAsync(c, r, name);
        if (folder is null) return;
        await _services.Database.WriteAsync(tx => _services.Messages.SetSubscribedAsync(tx, folder.Id, subscribe));
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }

    private async Task ListAsync(ImapCommand c, ImapResponse r)
    {
        var a = c.Arguments;
        var lsub = c.Name == "LSUB";
        a.Space();
        var selectSubscribed = lsub;
        var selectSpecialUse = false;
        if (!lsub && a.TryExpect('('))
        {
            while (!a.TryExpect(')'))
            {
                a.TrySpace();
                var option = a.Atom("a selection option").ToUpperInvariant();
                if (option == "SUBSCRIBED") selectSubscribed = true;
                else if (option == "SPECIAL-USE") selectSpecialUse = true;
                else if (option is not ("REMOTE" or "RECURSIVEMATCH")) throw new ImapParseException($"Unknown LIST selection option {option}");
            }
            a.Space();
        }
        var reference = ModifiedUtf7.Decode(a.AString("a reference"));
        a.Space();
        var patterns = new List<string>();
        if (!lsub && a.TryExpect('('))
        {
            patterns.Add(ListPattern(a));
            while (a.TrySpace()) patterns.Add(ListPattern(a));
            a.Expect(')');
        }
        else patterns.Add(ListPattern(a));

        var returnSubscribed = lsub || selectSubscribed;
        var returnChildren = true;
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
            r.Untagged("LIST (\\Noselect) \"/\" \"\"").Tagged(c.Tag, "OK", $"{c.Name} completed");
            return;
        }

        var folders = await _services.Messages.ListFoldersAsync(User!.Id);
        var matchers = patterns.Select(p => (Exact: Pattern(reference + p, RegexOptions.None), AnyCase: Pattern(reference + p, RegexOptions.IgnoreCase))).ToList();
        foreach (var folder in folders.OrderBy(f => f.Name == SpecialFolders.Inbox ? 0 : 1).ThenBy(f => f.Name, StringComparer.Ordinal))
        {
            // INBOX is matched in any case; every other name exactly.
            if (!matchers.Any(m => (folder.Name == SpecialFolders.Inbox ? m.AnyCase : m.Exact).IsMatch(folder.Name))) continue;
            if (selectSubscribed && folder.Subscribed == 0) continue;
            if (selectSpecialUse && folder.SpecialUse is null) continue;
            var attributes = new List<string>();
            if (returnChildren)
                attributes.Add(folders.Any(f => f.Name.StartsWith(folder.Name + Delimiter, StringComparison.Ordinal)) ? "\\HasChildren" : "\\HasNoChildren");
            if (folder.SpecialUse is not null) attributes.Add(folder.SpecialUse);
            if (returnSubscribed && folder.Subscribed != 0 && !lsub) attributes.Add("\\Subscribed");
            r.Raw("* ").Raw(lsub ? "LSUB" : "LIST").Raw(" (").Raw(string.Join(' ', attributes)).Raw(") \"/\" ")
                .String(ModifiedUtf7.Encode(folder.Name)).Line();
            if (statusItems.Count > 0) await WriteStatusAsync(r, folder, statusItems);
        }
        r.Tagged(c.Tag, "OK", $"{c.Name} completed");
    }

    private static string ListPattern(ImapReader a)
    {
        // list-mailbox allows '%' and '*', which are not atom characters.
        if (a.Peek() is '"' or '{') return ModifiedUtf7.Decode(a.String("a pattern"));
        var text = "";
        while (!a.AtEnd && (ImapReader.IsAtomChar(a.Peek()) || a.Peek() is '%' or '*' or ']'))
        {
            text += a.Peek();
            a.Expect(a.Peek());
        }
        if (text.Length == 0) throw new ImapParseException("Expected a folder pattern");
        return ModifiedUtf7.Decode(text);
    }

    /// <summary>'*' matches anything, '%' anything but the delimiter.</summary>
    private static Regex Pattern(string pattern, RegexOptions options)
    {
        var regex = "^" + string.Concat(pattern.Select(ch => ch switch
        {
            '*' => ".*",
            '%' => "[^/]*",
            _ => Regex.Escape(ch.ToString()),
        })) + "$";
        return new Regex(regex, options | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static List<string> ParseStatusItems(ImapReader a)
    {
        a.Expect('(');
        var items = new List<string> { a.Atom("a status item").ToUpperInvariant() };
        while (a.TrySpace()) items.Add(a.Atom("a status item").ToUpperInvariant());
        a.Expect(')');
        foreach (var item in items)
            if (!StatusItems.Contains(item)) throw new ImapParseException($"Unknown STATUS item {item}");
        return items;
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
                "RECENT" => 0,
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
