using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Events;

/// <summary>The message summary an event carries, so a consumer can act without another call.</summary>
public static class EventDetails
{
    public static object Message(MessageRecord m, string folder) => new
    {
        subject = m.Subject, from = m.FromHeader, to = m.ToHeader, folder, flags = MessageFlags.List(m.Flags), thread_id = m.ThreadId, size = m.Size,
    };
}
