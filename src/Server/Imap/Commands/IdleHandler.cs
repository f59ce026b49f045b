using System.Text;
using OpenMailserver.Server.Imap.Connection;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap.Commands;

/// <summary>IDLE (RFC 2177): the client waits; changes to its mailbox from any door are pushed as they
/// commit, until it sends DONE.</summary>
public sealed class IdleHandler : ICommandHandler
{
    public IReadOnlyList<string> Names => ["IDLE"];
    public IReadOnlyList<SessionState> States => AllowedIn.Authenticated;

    public async Task ExecuteAsync(ImapSession session, ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        CommandParser.None(c.Arguments);
        await FolderUpdates.WriteAsync(session, r, allowExpunge: true);
        r.Raw("+ idling\r\n");
        await session.WriteAsync(r, ct);

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(session.Services.Imap.Value.IdleTimeout);
        var done = session.ReadLineAsync(idle.Token);
        try
        {
            await IdleUntilDoneAsync(session, c, r, done, idle, ct);
        }
        finally
        {
            // However IDLE ends, its read of DONE ends with it: a read left running would write into pipe
            // memory the session gives back when it closes, or overlap the next command's read.
            if (!done.IsCompleted)
            {
                await idle.CancelAsync();
                try { await done; } catch (Exception e) when (e is OperationCanceledException or IOException or LineTooLongException or InvalidDataException) { }
            }
        }
    }

    private static async Task IdleUntilDoneAsync(ImapSession session, ImapCommand c, ImapResponse r, Task<byte[]?> done,
        CancellationTokenSource idle, CancellationToken ct)
    {
        while (true)
        {
            var changed = session.WaitForChangeAsync(idle.Token);
            var first = await Task.WhenAny(done, changed);
            if (first == done)
            {
                await idle.CancelAsync();
                try { await changed; } catch (OperationCanceledException) { }
                break;
            }
            try
            {
                await changed;
            }
            catch (OperationCanceledException)
            {
                // The idle timeout: log the client out, as if it had been silent outside IDLE.
                if (ct.IsCancellationRequested) throw;
                try { await done; } catch (OperationCanceledException) { }
                r.Untagged("BYE Autologout; idle for too long");
                session.LogOut();
                return;
            }
            await FolderUpdates.WriteAsync(session, r, allowExpunge: true);
            if (r.Length > 0) await session.WriteAsync(r, ct);
        }

        var line = await done;
        if (line is null) throw new IOException("Connection closed during IDLE");
        if (!Encoding.ASCII.GetString(line).Trim().Equals("DONE", StringComparison.OrdinalIgnoreCase))
        {
            session.CountBadCommand();
            r.Tagged(c.Tag, "BAD", "Expected DONE to end IDLE");
            return;
        }
        await FolderUpdates.WriteAsync(session, r, allowExpunge: true);
        r.Tagged(c.Tag, "OK", "IDLE terminated");
    }
}
