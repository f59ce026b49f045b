extern alias ServerAssembly;
using System.Text;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Imap.Protocol;
using System.IO.Pipelines;
using ServerAssembly::OpenMailserver.Server.Imap.Connection;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>The framing of commands from the wire (tag, lines, <c>{n}</c> and <c>{n+}</c> literals): what a
/// client sends is framed back exactly, and random bytes only ever give frames, the end of input, or the
/// line bound; never another exception, never a hang, never more held than the limits.</summary>
public sealed class ImapCommandReaderPropertyTests
{
    private static readonly CommandLimits Limits = new(8192, 4096, 6144);

    private static readonly Gen<string> Text = Gen.Char["ABCxyz019 ()[]\"\\*%~.<>"].Array[0, 30].Select(c => new string(c));

    /// <summary>A command line with literals: (text before, literal content, non-synchronizing) pieces.</summary>
    private static readonly Gen<(string Tag, (string Before, byte[] Literal, bool Plus)[] Pieces, string Last)> Commands =
        Gen.Select(
            Gen.Char["abcXYZ0123.-"].Array[1, 8].Select(c => new string(c)),
            Gen.Select(Text, Gen.Byte.Array[0, 300], Gen.Bool).Array[0, 4],
            Text.Select(t => t.TrimEnd('}')));

    [Fact]
    public void Well_formed_commands_are_framed_exactly_with_one_continuation_per_synchronizing_literal()
    {
        Commands.Sample(command =>
        {
            var wire = new MemoryStream();
            var expected = new MemoryStream();
            var first = true;
            foreach (var (before, literal, plus) in command.Pieces)
            {
                var head = Encoding.ASCII.GetBytes((first ? command.Tag + " " : "") + before + "{" + literal.Length + (plus ? "+" : "") + "}\r\n");
                first = false;
                wire.Write(head);
                wire.Write(literal);
                expected.Write(head);
                expected.Write(literal);
            }
            var last = Encoding.ASCII.GetBytes((first ? command.Tag + " " : "") + command.Last);
            wire.Write(last);
            wire.Write("\r\n"u8);
            expected.Write(last);
            wire.Position = 0;

            var continuations = 0;
            var framed = CommandReader.ReadAsync(new LineReader(PipeReader.Create(wire)), Limits, _ => { continuations++; return Task.CompletedTask; }, CancellationToken.None)
                .GetAwaiter().GetResult();
            var complete = Assert.IsType<FramedCommand.Complete>(framed);
            Assert.Equal(command.Tag, complete.Tag);
            Assert.Equal(expected.ToArray(), complete.Buffer.AsSpan(0, complete.Length).ToArray());
            Assert.Equal(command.Pieces.Count(p => !p.Plus), continuations);
        }, iter: 3000);
    }

    [Fact]
    public void Random_bytes_give_only_frames_the_end_or_the_line_bound()
    {
        var alphabet = Gen.Frequency<byte>((6, Gen.Byte), (2, Gen.Char["{}+~ \r\n0123456789"].Select(c => (byte)c)));
        alphabet.Array[0, 20_000].Sample(bytes =>
        {
            var reader = new LineReader(PipeReader.Create(new MemoryStream(bytes)));
            try
            {
                for (var frames = 0; ; frames++)
                {
                    Assert.True(frames <= bytes.Length, "more frames than bytes: the reader does not advance");
                    var framed = CommandReader.ReadAsync(reader, Limits, _ => Task.CompletedTask, CancellationToken.None).GetAwaiter().GetResult();
                    if (framed is null or FramedCommand.Abort) return;
                    if (framed is FramedCommand.Complete complete) Assert.True(complete.Length <= Limits.MaxLineBytes + Limits.MaxCommandLiteralBytes);
                }
            }
            catch (LineTooLongException)
            {
            }
        }, iter: 2000);
    }

    [Fact]
    public void Literal_markers_are_found_only_at_the_end_of_a_line_and_huge_lengths_saturate()
    {
        Gen.Select(Text, Gen.Long[0, long.MaxValue], Gen.Bool).Sample((before, length, plus) =>
        {
            var line = Encoding.ASCII.GetBytes(before + "{" + length + (plus ? "+" : "") + "}");
            Assert.Equal(new LiteralMarker(length, plus), LiteralMarker.Find(line));
            Assert.Null(LiteralMarker.Find(line.AsSpan(0, line.Length - 1)));
        }, iter: 3000);
        Assert.Equal(new LiteralMarker(long.MaxValue, false), LiteralMarker.Find("A1 LOGIN {99999999999999999999999999}"u8));
        Gen.Byte.Array[0, 64].Sample(bytes => _ = LiteralMarker.Find(bytes), iter: 3000);
    }

    [Theory]
    // Regression cases: a refused literal mid-command, an empty line before a command, a lone LF.
    [InlineData("a1 LOGIN {5000}\r\n", "refused")]
    [InlineData("a1 X {10}\r\n0123456789 {5000}\r\n", "refused")]
    [InlineData("\r\n\r\na1 NOOP\r\n", "a1")]
    [InlineData("a1 NOOP\n", "a1")]
    [InlineData("{5}\r\n", "end")]
    [InlineData("a1 X {5+}\r\nabc", "end")]
    public async Task Edge_cases(string input, string outcome)
    {
        var framed = await CommandReader.ReadAsync(new LineReader(PipeReader.Create(new MemoryStream(Encoding.ASCII.GetBytes(input)))), Limits, _ => Task.CompletedTask, CancellationToken.None);
        switch (outcome)
        {
            case "refused": Assert.IsType<FramedCommand.Refused>(framed); break;
            case "end": Assert.Null(framed); break;
            default: Assert.Equal(outcome, Assert.IsType<FramedCommand.Complete>(framed).Tag); break;
        }
    }
}
