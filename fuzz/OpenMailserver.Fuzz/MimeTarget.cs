using MimeKit;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Fuzz;

/// <summary>A message as it arrives from anyone on the MX: what ingest and the API read of it (within the
/// inbound MIME limits: indexed fields, the attachment list and sizes) and what IMAP presents of it
/// (BODYSTRUCTURE, ENVELOPE, a few body sections). MIME may be any bytes at all, so no exception is expected.</summary>
public static class MimeTarget
{
    public static void Run(byte[] input)
    {
        MessageIndexer.Read(input, MimeLimits.Default);
        var bounded = BoundedMime.Load(input, MimeLimits.Default);
        var structure = MessageStructure.Parse(input);
        var response = new ImapResponse();
        structure.WriteBodyStructure(response, extended: true, new ImapOptions().MaxNestingDepth);
        MessageStructure.WriteEnvelope(response, structure.Message.Headers);
        foreach (var (id, part) in MessageParts.Attachments(bounded.Mime))
        {
            MessageParts.FileName(part);
            MessageParts.Size(part);
            MessageParts.Find(bounded.Mime, id);
        }
        int[][] paths = [[], [1], [1, 1], [2], [1, 2, 1]];
        foreach (var path in paths)
        {
            structure.Section(path, null, null);
            structure.Section(path, "HEADER", null);
            structure.Section(path, "MIME", null);
            structure.Section(path, "TEXT", null);
        }
        structure.Section([], "HEADER.FIELDS", ["From", "Subject"]);
    }
}
