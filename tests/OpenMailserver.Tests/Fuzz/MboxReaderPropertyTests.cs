extern alias ServerAssembly;
using System.Text;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Cli;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>The mbox reader of <c>import mbox</c>: messages written as a mail program writes them (mboxrd
/// quoting, LF line ends, a blank line before each "From ") read back as the same messages with CRLF line
/// ends, their flags and dates, under keys that are unique and the same on every read; random bytes give
/// messages or a clear refusal, never another exception, and nothing larger than the bound.</summary>
public sealed class MboxReaderPropertyTests
{
    private static readonly Gen<string> Line = Gen.OneOf(
        Gen.Char["abc XYZ012.,:;-"].Array[0, 60].Select(c => new string(c)),
        Gen.OneOf<string>("From the start of a line", ">From quoted once", ">>From quoted twice", "", " From indented", "Fromage"));

    private static readonly Gen<(string[] Headers, string[] Body, bool Seen, bool Flagged)> Message =
        Gen.Select(Gen.Char["abcdefgh"].Array[1, 12].Select(c => new string(c)).Array[1, 4], Line.Array[0, 12], Gen.Bool, Gen.Bool,
            (names, body, seen, flagged) => (names.Select(n => $"X-{n}: {n}").ToArray(), body, seen, flagged));

    /// <summary>What the message is, with CRLF, and how an mbox holds it.</summary>
    private static (string Expected, string Written) Render((string[] Headers, string[] Body, bool Seen, bool Flagged) m, int index)
    {
        var headers = m.Headers.Append($"Subject: message {index}").Concat(m.Seen ? ["Status: RO"] : []).Concat(m.Flagged ? ["X-Status: F"] : []).ToList();
        // A body that ends in blank lines loses them to the separator in any mbox; the generated ones end in text.
        var body = m.Body.Append("end").ToList();
        var expected = string.Join("\r\n", headers) + "\r\n\r\n" + string.Join("\r\n", body) + "\r\n";
        static string Quote(string line) => line.TrimStart('>').StartsWith("From ", StringComparison.Ordinal) ? ">" + line : line;
        var written = $"From sender{index}@example.test Sat Jan  3 01:05:{index % 60:00} 1996\n" + string.Join("\n", headers) + "\n\n" +
                      string.Join("\n", body.Select(Quote)) + "\n\n";
        return (expected, written);
    }

    [Fact]
    public void Written_messages_read_back_with_their_flags_dates_and_stable_keys()
    {
        Message.Array[1, 8].Sample(messages =>
        {
            var rendered = messages.Select((m, i) => Render(m, i)).ToList();
            var file = Encoding.UTF8.GetBytes(string.Concat(rendered.Select(r => r.Written)));
            var first = ReadAll(file);
            Assert.Equal(rendered.Select(r => r.Expected), first.Select(m => Encoding.UTF8.GetString(m.Raw)));
            for (var i = 0; i < messages.Length; i++)
            {
                Assert.Equal(messages[i].Seen, first[i].Flags.Contains("\\Seen"));
                Assert.Equal(messages[i].Flagged, first[i].Flags.Contains("\\Flagged"));
                Assert.Equal(new DateTimeOffset(1996, 1, 3, 1, 5, i % 60, TimeSpan.Zero), first[i].ReceivedAt);
            }
            Assert.Equal(first.Count, first.Select(m => m.Key).Distinct().Count());
            Assert.Equal(first.Select(m => m.Key), ReadAll(file).Select(m => m.Key));
        }, iter: 500);
    }

    [Fact]
    public void Identical_messages_are_kept_apart_by_their_keys()
    {
        var one = "From a@example.test Sat Jan  3 01:05:34 1996\nSubject: same\n\nbody\n\n";
        var read = ReadAll(Encoding.ASCII.GetBytes(one + one + one));
        Assert.Equal(3, read.Select(m => m.Key).Distinct().Count());
        Assert.Single(read.Select(m => Convert.ToBase64String(m.Raw)).Distinct());
    }

    [Fact]
    public void Random_bytes_give_messages_or_a_refusal()
    {
        var alphabet = Gen.Frequency<byte>((6, Gen.Byte), (3, Gen.Char["From \n>\r"].Select(c => (byte)c)));
        Gen.Frequency<byte[]>((3, alphabet.Array[0, 4000]), (1, alphabet.Array[0, 4000].Select(b => Encoding.ASCII.GetBytes("From x\n").Concat(b).ToArray())))
            .Sample(bytes =>
            {
                try
                {
                    foreach (var message in ReadAll(bytes, maxMessageBytes: 1000))
                        Assert.True(message.Raw.Length <= 1000 + 2 * 1000, "a message past the bound");
                }
                catch (CliException)
                {
                }
            }, iter: 2000);
    }

    [Fact]
    public void A_file_that_is_not_an_mbox_is_refused()
    {
        var e = Assert.Throws<CliException>(() => ReadAll("Subject: no From line\n\nbody\n"u8.ToArray()));
        Assert.Contains("not an mbox", e.Message);
    }

    private static List<MboxReader.Message> ReadAll(byte[] file, int maxMessageBytes = 1 << 20)
    {
        var reader = new MboxReader(new MemoryStream(file), maxMessageBytes);
        var messages = new List<MboxReader.Message>();
        while (reader.ReadAsync().GetAwaiter().GetResult() is { } message) messages.Add(message);
        return messages;
    }
}
