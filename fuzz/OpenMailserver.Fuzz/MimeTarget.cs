using MimeKit;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Fuzz;

/// <summary>A message as it arrives from anyone on the MX: what ingest and the API read of it (within the
/// inbound MIME limits: indexed fields, the attachment list and sizes) and what IMAP presents of it
/// (BODYSTRUCTURE, ENVELOPE, a few body sections), from the message and from the structure stored with it,
/// which must agree. MIME may be any bytes at all, so no exception is expected.</summary>
public static class MimeTarget
{
    public static void Run(byte[] input)
    {
        MessageIndexer.Read(input, MimeLimits.Default);
        var (bounded, ranges) = BoundedMime.LoadWithRanges(input, MimeLimits.Default);
        var structure = MessageStructure.Parse(input);
        var maxDepth = new ImapOptions().MaxNestingDepth;
        var response = new ImapResponse();
        BodyStructureWriter.Write(response, structure.Tree(maxDepth), extended: true, maxDepth);
        BodyStructureWriter.WriteEnvelope(response, EnvelopeHeaders.Of(structure.Message.Headers));
        // The structure kept with the message, through its stored form, must show the same.
        if (MimeTree.FromBytes(MimeTree.StoredForm(bounded, ranges)) is { } stored)
        {
            var fromStored = new ImapResponse();
            BodyStructureWriter.Write(fromStored, stored, extended: true, maxDepth);
            var live = new ImapResponse();
            BodyStructureWriter.Write(live, structure.Tree(maxDepth), extended: true, maxDepth);
            if (!fromStored.Bytes.Span.SequenceEqual(live.Bytes.Span)) throw new InvalidOperationException("The stored structure shows differently.");
        }
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
