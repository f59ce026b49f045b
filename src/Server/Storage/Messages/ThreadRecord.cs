namespace OpenMailserver.Server.Storage;

/// <summary>A conversation of one mailbox as the index sees it; <see cref="LastAt"/> in Unix milliseconds.</summary>
public sealed record ThreadRecord(string ThreadId, long Messages, long Unread, long LastAt);
