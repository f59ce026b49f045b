using MimeKit;

namespace OpenMailserver.Server.Messages;

/// <summary>The one numbering of a message's MIME parts, IMAP's section numbers (RFC 3501 §6.4.5): the parts
/// of a multipart are numbered 1 to n under its own number ("2.1"), a message whose body is not a multipart
/// has that body as part 1, and the parts of an attached message (message/rfc822) continue under the number
/// of the part that holds it. IMAP's BODY[section] and the API's attachment ids both use it, so a mail client
/// and an agent pointing at "2.1" mean the same part.</summary>
public static class PartNumbers
{
    /// <summary>Every part of the message outside attached messages, with its number, in order (a multipart
    /// before its parts).</summary>
    public static IEnumerable<(string Number, MimeEntity Part)> Parts(MimeMessage message)
    {
        if (message.Body is not Multipart top)
        {
            if (message.Body is { } single) yield return ("1", single);
            yield break;
        }
        var pending = new Stack<(string Prefix, Multipart Multipart, int Next)>();
        pending.Push(("", top, 0));
        while (pending.TryPop(out var at))
        {
            if (at.Next >= at.Multipart.Count) continue;
            pending.Push(at with { Next = at.Next + 1 });
            var number = at.Prefix + (at.Next + 1);
            var part = at.Multipart[at.Next];
            yield return (number, part);
            if (part is Multipart inner) pending.Push((number + ".", inner, 0));
        }
    }

    /// <summary>The part a section number points at, following into attached messages; null when there is none.</summary>
    public static MimeEntity? Find(MimeMessage message, IReadOnlyList<int> path)
    {
        MimeEntity? entity = null;
        foreach (var index in path)
        {
            // The children of a message/rfc822 part are those of the message it holds.
            var body = entity switch
            {
                null => message.Body,
                MessagePart part => part.Message?.Body,
                _ => entity,
            };
            if (body is Multipart multipart)
            {
                if (index < 1 || index > multipart.Count) return null;
                entity = multipart[index - 1];
            }
            else if (index == 1 && body is not null) entity = body;
            else return null;
        }
        return entity;
    }
}
