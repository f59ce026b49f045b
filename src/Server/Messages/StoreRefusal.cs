namespace OpenMailserver.Server.Messages;

/// <summary>Why the store would not take a message or a change. Each door words it its own way (an SMTP reply,
/// an IMAP response code, a delivery event).</summary>
public enum StoreRefusal
{
    None,
    NoMailbox,
    Disabled,
    OverQuota,
    NoFolder,
    FolderExists,
    HasChildren,
}
