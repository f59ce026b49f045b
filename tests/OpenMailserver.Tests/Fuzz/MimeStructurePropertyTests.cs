extern alias ServerAssembly;
using System.Text;
using CsCheck;
using MimeKit;
using ServerAssembly::OpenMailserver.Server.Imap.Protocol;
using ServerAssembly::OpenMailserver.Server.Messages;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>Whatever MIME a sender builds — deep, wide, malformed, with stray boundaries — reading it never
/// throws anything but MimeKit's <see cref="FormatException"/>, keeps within the parts, depth and header
/// limits, says when it cut, and leaves a message within the limits as MimeKit alone would read it.</summary>
public sealed class MimeStructurePropertyTests
{
    private static readonly Gen<string> Leaf = Gen.Select(
        Gen.OneOf("text/plain", "text/html", "image/png", "application/octet-stream", "message/rfc822", "multipart/mixed", "x/y; name=\"a.bin\""),
        Gen.OneOf("", "Content-Transfer-Encoding: base64\r\n", "Content-Transfer-Encoding: quoted-printable\r\n", "Content-Disposition: attachment; filename=\"../x\"\r\n"),
        Gen.OneOf("hello", "aGVsbG8=", "caf=C3=A9=\r\n", "--stray\r\n", "From: x@y\r\n\r\nbody", ""),
        (type, extra, body) => $"Content-Type: {type}\r\n{extra}\r\n{body}\r\n");

    private static readonly Gen<string> Entity = Gen.Recursive<string>((depth, entity) => depth >= 8 ? Leaf : Gen.OneOf<string>(
        Leaf,
        Gen.Select(Gen.Int[0, 1_000_000], entity.List[0, 6], Gen.Bool, Gen.Int[0, 4],
            (id, children, closed, headers) =>
                $"Content-Type: multipart/mixed; boundary=b{id}\r\n{string.Concat(Enumerable.Repeat("X-Noise: 1\r\n", headers))}\r\n" +
                string.Concat(children.Select(c => $"--b{id}\r\n{c}")) + (closed ? $"--b{id}--\r\n" : "")),
        entity.Select(inner => $"Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n{inner}")));

    private static readonly Gen<(string Message, MimeLimits Limits)> Messages = Gen.Select(
        Gen.Int[0, 30], Entity, Gen.Int[1, 20], Gen.Int[1, 6], Gen.Int[1, 25],
        (headers, body, parts, depth, headerLimit) => (
            "From: a@b.test\r\nSubject: fuzz\r\n" + string.Concat(Enumerable.Range(0, headers).Select(i => $"X-H{i}: v\r\n")) + "MIME-Version: 1.0\r\n" + body,
            new MimeLimits(parts, depth, headerLimit)));

    [Fact]
    public void Random_mime_trees_are_read_within_the_limits()
    {
        Messages.Sample(sample =>
        {
            var (text, limits) = sample;
            var bytes = Encoding.UTF8.GetBytes(text);
            BoundedMessage read;
            try
            {
                read = BoundedMime.Load(new MemoryStream(bytes), limits);
            }
            catch (FormatException)
            {
                return;
            }
            var entities = Entities(read.Mime.Body, 1).ToList();
            Assert.True(entities.Count <= limits.MaxParts, $"{entities.Count} parts for a limit of {limits.MaxParts}");
            Assert.All(entities, e => Assert.True(e.Depth <= limits.MaxDepth + 1, $"depth {e.Depth} for a limit of {limits.MaxDepth}"));
            Assert.All(entities, e => Assert.True(e.Entity.Headers.Count <= limits.MaxHeaders));
            Assert.True(read.Mime.Headers.Count <= limits.MaxHeaders);
            foreach (var (id, part) in MessageParts.Attachments(read.Mime))
            {
                Assert.True(MessageParts.Size(part) >= 0);
                Assert.NotEmpty(AttachmentFileName.For(id, part));
            }
            if (!read.Truncated)
            {
                var whole = MimeMessage.Load(new MemoryStream(bytes));
                Assert.Equal(Entities(whole.Body, 1).Count(), entities.Count);
            }
        }, iter: 10_000, threads: 1);
    }

    [Fact]
    public void The_structure_stored_with_a_message_shows_as_the_message_itself_does()
    {
        var kept = 0;
        Messages.Sample(sample =>
        {
            var bytes = Encoding.UTF8.GetBytes(sample.Message);
            var limits = new MimeLimits(Math.Max(sample.Limits.MaxParts, 10), Math.Max(sample.Limits.MaxDepth, 4), 1000);
            BoundedMessage read;
            MimeRanges ranges;
            try
            {
                (read, ranges) = BoundedMime.LoadWithRanges(bytes, limits);
            }
            catch (FormatException)
            {
                return;
            }
            var stored = MimeTree.FromBytes(MimeTree.StoredForm(read, ranges));
            Assert.Equal(!read.Truncated, stored is not null);
            if (stored is null) return;
            kept++;
            var live = MessageStructure.Parse(bytes);
            foreach (var (extended, depth) in new[] { (true, 100), (false, 100), (true, 2) })
                Assert.Equal(Shown(r => BodyStructureWriter.Write(r, live.Tree(depth), extended, depth)), Shown(r => BodyStructureWriter.Write(r, stored, extended, depth)));
            Assert.Equal(Shown(r => BodyStructureWriter.WriteEnvelope(r, EnvelopeHeaders.Of(live.Message.Headers))), Shown(r => BodyStructureWriter.WriteEnvelope(r, stored.Envelope)));
        }, iter: 3_000, threads: 1);
        Assert.True(kept > 1_000, $"only {kept} structures kept");
    }

    private static string Shown(Action<ImapResponse> write)
    {
        var response = new ImapResponse();
        write(response);
        return Encoding.UTF8.GetString(response.Bytes.Span);
    }

    [Fact]
    public void Every_part_number_the_api_gives_points_imap_at_the_same_part()
    {
        Messages.Sample(sample =>
        {
            BoundedMessage read;
            try
            {
                read = BoundedMime.Load(new MemoryStream(Encoding.UTF8.GetBytes(sample.Message)), sample.Limits);
            }
            catch (FormatException)
            {
                return;
            }
            foreach (var (number, part) in PartNumbers.Parts(read.Mime))
                Assert.Same(part, PartNumbers.Find(read.Mime, number.Split('.').Select(int.Parse).ToList()));
            Assert.All(MessageParts.Attachments(read.Mime), a => Assert.Same(a.Part, MessageParts.Find(read.Mime, a.Id)));
        }, iter: 3_000, threads: 1);
    }

    [Fact]
    public void A_message_within_the_limits_is_not_cut()
    {
        var message = "From: a@b.test\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nhi\r\n" +
                      "--o\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--o--\r\n";
        var read = BoundedMime.Load(new MemoryStream(Encoding.ASCII.GetBytes(message)), new MimeLimits(3, 1, 3));
        Assert.False(read.Truncated);
        Assert.Equal(5, MessageParts.Size(Assert.Single(MessageParts.Attachments(read.Mime)).Part));
        Assert.True(BoundedMime.Load(new MemoryStream(Encoding.ASCII.GetBytes(message)), new MimeLimits(2, 1, 3)).Truncated);
        Assert.True(BoundedMime.Load(new MemoryStream(Encoding.ASCII.GetBytes(message)), new MimeLimits(3, 1, 2)).Truncated);
    }

    private static IEnumerable<(MimeEntity Entity, int Depth)> Entities(MimeEntity? entity, int depth)
    {
        if (entity is null) yield break;
        yield return (entity, depth);
        var children = entity switch
        {
            Multipart multipart => multipart.ToList(),
            MessagePart { Message.Body: { } inner } => [inner],
            _ => [],
        };
        foreach (var child in children)
        foreach (var found in Entities(child, depth + 1))
            yield return found;
    }
}
