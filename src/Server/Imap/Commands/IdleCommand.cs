using System.Text;
using OpenMailserver.Server.Imap.Protocol;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>IDLE (RFC 2177): the client waits; changes to its mailbox from any door are pushed as they
/// commit, until it sends DONE.</summary>
public sealed partial class ImapSession
{
    private async Task IdleAsync(ImapCommand c, ImapResponse r, CancellationToken ct)
    {
        c.Arguments.End();
        await WriteUpdatesAsync(r, allowExpunge: true);
        r.Raw("+ idling\r\n");
        await WriteAsync(r, ct);

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(_services.Options.Value.Imap.IdleTimeout);
        var done = _reader.ReadLineAsync(MaxLineBytes, idle.Token);
        while (true)
        {
            var changed = _changed.WaitAsync(idle.Token);
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
                State = SessionState.Logout;
                return;
            }
            await WriteUpdatesAsync(r, allowExpunge: true);
            if (r.Length > 0) await WriteAsync(r, ct);
        }

        var line = await done;
        if (line is null) throw new IOException("Connection closed during IDLE");
        if (!Encoding.ASCII.GetString(line).Trim().Equals("DONE", StringComparison.OrdinalIgnoreCase))
        {
            _badCommands++;
            r.Tagged(c.Tag, "BAD", "Expected DONE to end IDLE");
            return;
        }
        await WriteUpdatesAsync(r, allowExpunge: true);
        r.Tagged(c.Tag, "OK", "IDLE terminated");
    }
}
