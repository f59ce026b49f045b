namespace OpenMailserver.Server.Imap.Connection;

/// <summary>What <see cref="CommandReader"/> made of the client's next input.</summary>
public abstract record FramedCommand
{
    private FramedCommand()
    {
    }

    /// <summary>A whole command, literals inlined, in the first <paramref name="Length"/> bytes of
    /// <paramref name="Buffer"/>. <paramref name="Tag"/> is null when the line has no valid tag.</summary>
    public sealed record Complete(string? Tag, byte[] Buffer, int Length) : FramedCommand;

    /// <summary>A synchronizing literal over a bound: the client got no continuation and sent nothing more
    /// of the command; it is answered with a tagged NO and dropped.</summary>
    public sealed record Refused(string? Tag, string Reason) : FramedCommand;

    /// <summary>A non-synchronizing literal over a bound: its bytes are already on their way, so the
    /// connection can only be closed.</summary>
    public sealed record Abort(string Reason) : FramedCommand;
}
