using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Imap.Session;

namespace OpenMailserver.Server.Imap;

/// <summary>How many logged-in IMAP sessions each mailbox has, capped at <c>Imap:MaxSessionsPerMailbox</c>,
/// so one mailbox (or one leaked password) cannot take the listener's whole pool. A session enters at
/// login and leaves when the listener ends it.</summary>
public sealed class MailboxSessionLimit(IOptions<OpenMailserverOptions> options)
{
    private readonly Dictionary<long, int> _counts = [];
    private readonly Dictionary<ImapSession, long> _holders = [];

    public int Limit => options.Value.Imap.MaxSessionsPerMailbox;

    /// <summary>Counts <paramref name="session"/> against the mailbox, unless it already has the limit.</summary>
    public bool TryEnter(ImapSession session, long mailboxId)
    {
        lock (_counts)
        {
            var held = _counts.GetValueOrDefault(mailboxId);
            if (held >= Limit) return false;
            _counts[mailboxId] = held + 1;
            _holders[session] = mailboxId;
            return true;
        }
    }

    public void Leave(ImapSession session)
    {
        lock (_counts)
        {
            if (!_holders.Remove(session, out var mailboxId)) return;
            if (_counts[mailboxId] <= 1) _counts.Remove(mailboxId);
            else _counts[mailboxId]--;
        }
    }
}
