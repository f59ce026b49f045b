using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>COMPRESS DEFLATE (RFC 4978): the OK goes out as it is, then both directions are DEFLATE, over TLS or not.</summary>
public sealed class CompressHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["COMPRESS"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        var mechanism = CommandParser.Compress(c.Arguments);
        if (session.IsCompressed)
        {
            r.Tagged(c.Tag, "NO", "[COMPRESSIONACTIVE] DEFLATE is already active");
            return;
        }
        if (!mechanism.Equals("DEFLATE", StringComparison.OrdinalIgnoreCase))
        {
            r.Tagged(c.Tag, "NO", $"Unknown compression mechanism {mechanism.Shorten()}; DEFLATE is offered");
            return;
        }
        r.Tagged(c.Tag, "OK", "DEFLATE active");
        await session.WriteAsync(r, ct);
        await session.StartCompressionAsync();
    }
}
