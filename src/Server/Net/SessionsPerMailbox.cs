namespace OpenMailserver.Server.Net;

/// <summary>How many logged-in sessions each mailbox has on one protocol, capped, so one mailbox (or one
/// leaked password) cannot take a listener's whole pool. A session enters at login and leaves when it ends.
/// IMAP and SMTP submission each have one (keyed services <see cref="Imap"/> and <see cref="Submission"/>).</summary>
public sealed class SessionsPerMailbox
{
    public const string Imap = "imap";
    public const string Submission = "submission";

    private readonly Dictionary<long, int> _counts = [];
    private readonly Dictionary<object, long> _holders = new(ReferenceEqualityComparer.Instance);

    /// <summary>Counts <paramref name="session"/> against the mailbox, unless it has <paramref name="limit"/> already.</summary>
    public bool TryEnter(object session, long mailboxId, int limit)
    {
        lock (_counts)
        {
            var held = _counts.GetValueOrDefault(mailboxId);
            if (held >= limit) return false;
            _counts[mailboxId] = held + 1;
            _holders[session] = mailboxId;
            return true;
        }
    }

    public void Leave(object session)
    {
        lock (_counts)
        {
            if (!_holders.Remove(session, out var mailboxId)) return;
            if (_counts[mailboxId] <= 1) _counts.Remove(mailboxId);
            else _counts[mailboxId]--;
        }
    }
}
