namespace OpenMailserver.Server.Storage;

/// <summary>A change to a message's flags as a client asked for it: add some, remove some, or replace them
/// all. It is applied to the flags stored at the moment of the write (<see cref="IMessageRepository.ChangeFlagsAsync"/>),
/// never to a copy a session or a request read earlier, so changes made at once through any doors all take
/// effect (RFC 3501 §6.4.6: +FLAGS and -FLAGS change only the flags they name).</summary>
public sealed record FlagChange(IReadOnlyList<string> Add, IReadOnlyList<string> Remove, IReadOnlyList<string>? Replace = null)
{
    /// <summary>A conditional STORE (CONDSTORE's UNCHANGEDSINCE): a message whose modseq is above this is left as it is.</summary>
    public long? UnchangedSince { get; init; }

    public static FlagChange Adding(params IReadOnlyList<string> flags) => new(flags, []);

    public static FlagChange Removing(params IReadOnlyList<string> flags) => new([], flags);

    public static FlagChange Replacing(IReadOnlyList<string> flags) => new([], [], flags);

    /// <summary>The flags (in stored form) after this change is applied to <paramref name="stored"/>.</summary>
    public string ApplyTo(string stored)
    {
        var flags = (Replace ?? MessageFlags.List(stored)).ToList();
        flags.RemoveAll(f => Remove.Contains(f, StringComparer.OrdinalIgnoreCase));
        flags.AddRange(Add);
        return MessageFlags.Format(flags);
    }
}
