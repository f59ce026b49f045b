using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>The grammar of each command's arguments (RFC 3501 §9 and the extensions we offer). A handler
/// asks here for its arguments, whole and checked to the end of the command, and reads none itself.
/// Grammar errors are <see cref="ImapParseException"/> (BAD); a folder name no folder can have is
/// NO [CANNOT], since the grammar allows any string as a mailbox.</summary>
public static class CommandParser
{
    private const char Delimiter = MessageChanges.Delimiter;
    private const int MaxListPatterns = 32;
    private const int MaxIdFields = 30;

    public static readonly string[] StatusItemNames = ["MESSAGES", "RECENT", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "SIZE", "HIGHESTMODSEQ", "APPENDLIMIT", "DELETED", "DELETED-STORAGE"];

    /// <summary>The command's name after its tag (with "UID " before the UID commands), and a reader at its arguments.</summary>
    public static ImapCommand Command(string tag, ImapReader reader)
    {
        reader.Space();
        var name = reader.Atom("a command name").ToUpperInvariant();
        if (name == "UID")
        {
            reader.Space();
            name = "UID " + reader.Atom("a command name").ToUpperInvariant();
        }
        return new ImapCommand(tag, name, reader);
    }

    public static void None(ImapReader a) => a.End();

    /// <summary>SELECT and EXAMINE: a folder, then optionally "(" CONDSTORE and/or QRESYNC (uidvalidity modseq
    /// [known-uids] [(known-sequence-set known-uid-set)]) ")" (RFC 7162).</summary>
    public static SelectArguments Select(ImapReader a)
    {
        a.Space();
        var name = FolderName(a);
        var condStore = false;
        QResyncParameters? qresync = null;
        if (a.TrySpace())
        {
            a.Expect('(');
            do
            {
                var parameter = a.Atom("a SELECT parameter").ToUpperInvariant();
                if (parameter == "CONDSTORE") condStore = true;
                else if (parameter == "QRESYNC" && qresync is null) qresync = QResync(a);
                else throw new ImapParseException($"Unknown or repeated SELECT parameter {parameter}");
            } while (a.TrySpace());
            a.Expect(')');
        }
        a.End();
        return new SelectArguments(name, condStore, qresync);
    }

    private static QResyncParameters QResync(ImapReader a)
    {
        a.Space();
        a.Expect('(');
        var uidValidity = a.NzNumber("a UIDVALIDITY");
        a.Space();
        var modseq = a.ModSeq();
        if (modseq < 1) throw new ImapParseException("The mod-sequence of QRESYNC starts at 1");
        SequenceSet? known = null;
        if (a.TrySpace())
        {
            var matchData = a.Peek() == '(';
            if (!matchData)
            {
                known = KnownUids(a);
                matchData = a.TrySpace();
            }
            if (matchData)
            {
                // The sequence match data: checked, not needed.
                a.Expect('(');
                KnownUids(a);
                a.Space();
                KnownUids(a);
                a.Expect(')');
            }
        }
        a.Expect(')');
        return new QResyncParameters(uidValidity, modseq, known);
    }

    /// <summary>A set of UIDs or numbers a client holds: no '*' and no '$' (RFC 7162's known-uids).</summary>
    private static SequenceSet KnownUids(ImapReader a)
    {
        var set = a.SequenceSet();
        if (set.IsSearchResult || set.ToString().Contains('*')) throw new ImapParseException("Known UIDs are numbers, without '*' or '$'");
        return set;
    }

    /// <summary>COMPRESS: one mechanism name (RFC 4978).</summary>
    public static string Compress(ImapReader a)
    {
        a.Space();
        var mechanism = a.Atom("a compression mechanism");
        a.End();
        return mechanism;
    }

    /// <summary>GETQUOTA and SETQUOTA's quota root: a string (RFC 9208).</summary>
    public static string QuotaRoot(ImapReader a)
    {
        a.Space();
        var root = a.AString("a quota root");
        a.End();
        return root;
    }

    /// <summary>SETQUOTA root (resource limit ...): read in full, so a well-formed one can be refused as such.</summary>
    public static string SetQuota(ImapReader a)
    {
        a.Space();
        var root = a.AString("a quota root");
        a.Space();
        a.Expect('(');
        for (var first = true; !a.TryExpect(')'); first = false)
        {
            if (!first) a.Space();
            a.Atom("a resource name");
            a.Space();
            a.ModSeq("a limit");
        }
        a.End();
        return root;
    }

    /// <summary>CREATE, DELETE, SUBSCRIBE, UNSUBSCRIBE, GETQUOTAROOT: one folder name.</summary>
    public static string Folder(ImapReader a)
    {
        a.Space();
        var name = FolderName(a);
        a.End();
        return name;
    }

    /// <summary>UID EXPUNGE's set; null for EXPUNGE, which has none.</summary>
    public static SequenceSet? OptionalUidSet(ImapReader a, bool byUid)
    {
        SequenceSet? set = null;
        if (byUid)
        {
            a.Space();
            set = a.SequenceSet();
        }
        a.End();
        return set;
    }

    /// <summary>RFC 2971 ID: NIL, or field and value pairs, given back as one line of text (null for NIL).</summary>
    public static string? Id(ImapReader a)
    {
        a.Space();
        string? id = null;
        if (!a.TryWord("NIL"))
        {
            a.Expect('(');
            var fields = new List<string>();
            while (!a.TryExpect(')'))
            {
                if (fields.Count > 0) a.Space();
                fields.Add(a.String("a field name"));
                a.Space();
                fields.Add(a.NString("a field value") ?? "NIL");
                if (fields.Count > MaxIdFields * 2) throw new ImapParseException($"ID takes at most {MaxIdFields} fields");
            }
            id = string.Join(' ', fields);
        }
        a.End();
        return id;
    }

    /// <summary>ENABLE: one or more capability names.</summary>
    public static IReadOnlyList<string> Enable(ImapReader a)
    {
        a.Space();
        var names = new List<string> { a.Atom("a capability") };
        while (a.TrySpace()) names.Add(a.Atom("a capability"));
        a.End();
        return names;
    }

    public static LoginArguments Login(ImapReader a)
    {
        a.Space();
        var user = a.AString("a user name");
        a.Space();
        var password = a.AString("a password");
        a.End();
        return new LoginArguments(user, password);
    }

    public static AuthenticateArguments Authenticate(ImapReader a)
    {
        a.Space();
        var mechanism = a.Atom("a mechanism").ToUpperInvariant();
        string? initial = null;
        if (a.TrySpace()) initial = a.Atom("an initial response");
        a.End();
        return new AuthenticateArguments(mechanism, initial);
    }

    public static RenameArguments Rename(ImapReader a)
    {
        a.Space();
        var from = FolderName(a);
        a.Space();
        var to = FolderName(a);
        a.End();
        return new RenameArguments(from, to);
    }

    /// <summary>LIST [(selection options)] reference (pattern | (patterns)) [RETURN (options)], or LSUB reference pattern.</summary>
    public static ListArguments List(ImapReader a, bool lsub)
    {
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
        var reference = a.FolderText(a.AString("a reference"));
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
        IReadOnlyList<string> statusItems = [];
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
                        statusItems = StatusItems(a);
                        break;
                    default: throw new ImapParseException($"Unknown LIST return option {option}");
                }
            }
        }
        a.End();
        return new ListArguments(lsub, selectSubscribed, selectSpecialUse, recursiveMatch, reference, patterns, returnSubscribed, statusItems);
    }

    public static StatusArguments Status(ImapReader a)
    {
        a.Space();
        var name = FolderName(a);
        a.Space();
        var items = StatusItems(a);
        a.End();
        return new StatusArguments(name, items);
    }

    /// <summary>APPEND folder, then one message or more (MULTIAPPEND, RFC 3502), at most <paramref name="maxMessages"/>,
    /// each [(flags)] ["date-time"] literal.</summary>
    public static AppendArguments Append(ImapReader a, int maxMessages)
    {
        a.Space();
        var name = FolderName(a);
        var messages = new List<AppendMessage>();
        do
        {
            if (messages.Count == maxMessages) throw new ImapParseException($"APPEND takes at most {maxMessages} messages");
            a.Space();
            messages.Add(AppendMessage(a));
        }
        while (!a.AtEnd);
        return new AppendArguments(name, messages);
    }

    private static AppendMessage AppendMessage(ImapReader a)
    {
        var flags = new List<string>();
        if (a.Peek() == '(')
        {
            foreach (var flag in a.FlagList())
                flags.Add(MessageFlags.Canonical(flag) ?? throw new ImapParseException($"{flag} cannot be stored"));
            a.Space();
        }
        DateTimeOffset? received = null;
        if (a.Peek() == '"')
        {
            var text = a.String("a date-time");
            if (!ImapDateTime.TryParse(text, out var date))
                throw new ImapParseException($"\"{text}\" is not a date-time such as \"25-Nov-2026 16:00:00 +0000\"");
            received = date;
            a.Space();
        }
        return new AppendMessage(flags, received, a.StringMemory("the message literal"));
    }

    /// <summary>COPY and MOVE: a set and the target folder.</summary>
    public static CopyArguments Copy(ImapReader a)
    {
        a.Space();
        var set = a.SequenceSet();
        a.Space();
        var name = FolderName(a);
        a.End();
        return new CopyArguments(set, name);
    }

    /// <summary>STORE set (FLAGS | +FLAGS | -FLAGS)[.SILENT] (flags).</summary>
    public static StoreArguments Store(ImapReader a)
    {
        a.Space();
        var set = a.SequenceSet();
        a.Space();
        long? unchangedSince = null;
        if (a.TryExpect('('))
        {
            if (!a.TryWord("UNCHANGEDSINCE")) throw new ImapParseException("The STORE modifier is UNCHANGEDSINCE");
            a.Space();
            unchangedSince = a.ModSeq();
            a.Expect(')');
            a.Space();
        }
        var operation = a.Atom("FLAGS, +FLAGS or -FLAGS").ToUpperInvariant();
        var silent = operation.EndsWith(".SILENT", StringComparison.Ordinal);
        if (silent) operation = operation[..^".SILENT".Length];
        if (operation is not ("FLAGS" or "+FLAGS" or "-FLAGS")) throw new ImapParseException($"Unknown STORE operation {operation}");
        a.Space();
        var flags = a.FlagList();
        a.End();
        return new StoreArguments(set, operation, silent, flags, unchangedSince);
    }

    public static FetchArguments Fetch(ImapReader a, int maxItems, int maxDepth)
    {
        a.Space();
        var set = a.SequenceSet();
        a.Space();
        var items = FetchParser.Parse(a, maxItems, maxDepth);
        long? changedSince = null;
        var vanished = false;
        if (a.TrySpace())
        {
            // FETCH modifiers (RFC 7162): CHANGEDSINCE modseq, and VANISHED with it.
            a.Expect('(');
            do
            {
                if (a.TryWord("CHANGEDSINCE") && changedSince is null)
                {
                    a.Space();
                    changedSince = a.ModSeq();
                }
                else if (a.TryWord("VANISHED") && !vanished) vanished = true;
                else throw new ImapParseException("Unknown or repeated FETCH modifier");
            } while (a.TrySpace());
            a.Expect(')');
            if (vanished && changedSince is null) throw new ImapParseException("VANISHED needs CHANGEDSINCE");
        }
        a.End();
        return new FetchArguments(set, items, changedSince, vanished);
    }

    /// <summary>SEARCH [RETURN (options)] [CHARSET name] keys, the options those of ESEARCH (RFC 4731: MIN, MAX, COUNT,
    /// ALL; none means ALL) and SAVE (RFC 5182).</summary>
    public static SearchArguments Search(ImapReader a, int maxDepth)
    {
        a.Space();
        HashSet<string>? options = null;
        if (a.TryWord("RETURN"))
        {
            options = [];
            a.Space();
            a.Expect('(');
            for (var first = true; !a.TryExpect(')'); first = false)
            {
                if (!first) a.Space();
                var option = a.Atom("a return option").ToUpperInvariant();
                if (option is not ("MIN" or "MAX" or "COUNT" or "ALL" or "SAVE")) throw new ImapParseException($"Unknown SEARCH return option {option}");
                options.Add(option);
            }
            if (options.Count == 0) options.Add("ALL");
            a.Space();
        }
        var key = SearchParser.Parse(a, maxDepth, out var unsupportedCharset);
        return new SearchArguments(options, key, unsupportedCharset);
    }

    /// <summary>SORT (sort criteria) charset search-criteria (RFC 5256 §3), with SORT=DISPLAY's keys (RFC 5957).</summary>
    public static SortArguments Sort(ImapReader a, int maxDepth)
    {
        a.Space();
        a.Expect('(');
        var criteria = new List<SortCriterion>();
        do
        {
            if (criteria.Count == SortCriterion.MaxCriteria) throw new ImapParseException($"SORT takes at most {SortCriterion.MaxCriteria} criteria");
            var word = Keyword(a, "a sort key");
            var reverse = word == "REVERSE";
            if (reverse)
            {
                a.Space();
                word = Keyword(a, "a sort key");
            }
            if (!SortCriterion.Keys.TryGetValue(word, out var key)) throw new ImapParseException($"Unknown sort key {word.Shorten()}");
            criteria.Add(new SortCriterion(key, reverse));
        }
        while (a.TrySpace());
        a.Expect(')');
        a.Space();
        var unsupportedCharset = SearchParser.Charset(a);
        a.Space();
        return new SortArguments(criteria, SearchParser.Criteria(a, maxDepth), unsupportedCharset);
    }

    /// <summary>THREAD algorithm charset search-criteria (RFC 5256 §4): ORDEREDSUBJECT or REFERENCES.</summary>
    public static ThreadArguments Thread(ImapReader a, int maxDepth)
    {
        a.Space();
        var algorithm = Keyword(a, "a threading algorithm");
        if (algorithm is not ("ORDEREDSUBJECT" or "REFERENCES")) throw new ImapParseException($"Unknown threading algorithm {algorithm.Shorten()}");
        a.Space();
        var unsupportedCharset = SearchParser.Charset(a);
        a.Space();
        return new ThreadArguments(algorithm == "REFERENCES", SearchParser.Criteria(a, maxDepth), unsupportedCharset);
    }

    /// <summary>An atom made of ASCII letters, digits, '-' and '.', in capitals: a keyword of the grammar. Anything else
    /// (a letter that only capitalises to ASCII, as 'ſ' does) is no keyword.</summary>
    private static string Keyword(ImapReader a, string what)
    {
        var atom = a.Atom(what);
        if (!atom.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')) throw new ImapParseException($"Unknown {what.Replace("a ", "")} {atom.Shorten()}");
        return atom.ToUpperInvariant();
    }

    /// <summary>A folder name argument: decoded, INBOX in any case made INBOX, trailing '/' dropped, checked.</summary>
    private static string FolderName(ImapReader reader)
    {
        var name = reader.FolderText(reader.AString("a folder name")).TrimEnd(Delimiter);
        // Normalize reads a blank name as INBOX (as the API does); in IMAP it names no folder.
        name = string.IsNullOrWhiteSpace(name) ? "" : SpecialFolders.Normalize(name);
        if (name.Length == 0 || name.Length > 255 || name.StartsWith(Delimiter) || name.Contains("//") || !IsUnicodeName(name))
            throw new MailServerException(ErrorKind.InvalidArgument, $"[CANNOT] \"{name.Shorten()}\" is not a valid folder name");
        return name;
    }

    /// <summary>A name of Net-Unicode (RFC 9051 §5.1, RFC 5198): no control or line-separating character, no '*' or '%'
    /// (LIST's wildcards), no U+FFFD (what bytes that are not UTF-8 decode to, so two byte strings cannot name one
    /// folder), no lone surrogate, and in NFC, so one name has one spelling whichever client sends it.</summary>
    private static bool IsUnicodeName(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            var ch = name[i];
            if (char.IsControl(ch) || ch is '*' or '%' or '\uFFFD' or '\u2028' or '\u2029') return false;
            if (char.IsHighSurrogate(ch) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1])) i++;
            else if (char.IsSurrogate(ch)) return false;
        }
        return name.IsNormalized(System.Text.NormalizationForm.FormC);
    }

    private static string ListPattern(ImapReader a)
    {
        // list-mailbox allows '%' and '*', which are not atom characters.
        if (a.Peek() is '"' or '{') return a.FolderText(a.String("a pattern"));
        return a.FolderText(a.ListPatternAtom());
    }

    private static List<string> StatusItems(ImapReader a)
    {
        a.Expect('(');
        var items = new List<string> { a.Atom("a status item").ToUpperInvariant() };
        while (a.TrySpace()) items.Add(a.Atom("a status item").ToUpperInvariant());
        a.Expect(')');
        foreach (var item in items)
            if (!StatusItemNames.Contains(item)) throw new ImapParseException($"Unknown STATUS item {item}");
        // Each item is counted once however often it is asked for.
        return [.. items.Distinct()];
    }
}
