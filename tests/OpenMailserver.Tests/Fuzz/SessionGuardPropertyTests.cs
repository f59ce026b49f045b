extern alias ServerAssembly;
using System.Text;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Configuration;
using ServerAssembly::OpenMailserver.Server.Delivery.Outbound;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>The reply bounds of <see cref="SessionGuard"/>, fed as MailKit feeds it: whatever the bytes and
/// however the reads split them, it fails only with its own exception, never lets a reply past a bound, and
/// never stops a reply within the bounds.</summary>
public sealed class SessionGuardPropertyTests
{
    private static readonly DeliveryOptions Limits = new() { MaxReplyLineLength = 512, MaxReplyLines = 10, MaxReplyBytes = 2048 };

    /// <summary>The bytes as reads of random sizes; the guard's verdict, or null when it let everything through.</summary>
    private static string? Feed(byte[] bytes, int[] cuts)
    {
        using var guard = new SessionGuard(Limits, TimeProvider.System);
        var at = 0;
        try
        {
            foreach (var cut in cuts.Append(bytes.Length))
            {
                var end = Math.Clamp(cut, at, bytes.Length);
                guard.LogServer(bytes, at, end - at);
                at = end;
            }
            Assert.Null(guard.Violation);
            return null;
        }
        catch (SessionLimitException e)
        {
            Assert.Equal(guard.Violation, e.Message);
            return e.Message;
        }
    }

    private static Gen<int[]> Cuts(int length) => Gen.Int[0, Math.Max(0, length)].Array[0, 20].Select(c => c.Order().ToArray());

    /// <summary>Replies as a server writes them: "250-…" lines, then "250 …".</summary>
    private static readonly Gen<string> Reply =
        Gen.Select(Gen.Int[200, 599], Gen.String[Gen.Char['a', 'z'], 0, 150].Array[1, 10], (code, lines) =>
            string.Concat(lines.Select((text, i) => $"{code}{(i == lines.Length - 1 ? ' ' : '-')}{text}\r\n")));

    [Fact]
    public void Replies_within_the_bounds_pass_however_they_are_split()
    {
        Reply.Array[1, 20].SelectMany(replies =>
        {
            var bytes = Encoding.ASCII.GetBytes(string.Concat(replies));
            return Cuts(bytes.Length).Select(cuts => (bytes, cuts));
        }).Sample((bytes, cuts) => Assert.Null(Feed(bytes, cuts)), iter: 5_000);
    }

    [Fact]
    public void Any_bytes_fail_only_with_the_guards_own_error()
    {
        Gen.Byte.Array[0, 8000].SelectMany(bytes => Cuts(bytes.Length).Select(cuts => (bytes, cuts)))
            .Sample((bytes, cuts) => { Feed(bytes, cuts); }, iter: 5_000);
    }

    [Fact]
    public void A_reply_past_a_bound_is_stopped_whichever_bound_it_is()
    {
        var tooLong = Gen.Int[513, 3000].Select(n => ("250 " + new string('x', n) + "\r\n", "has a line longer than 512 bytes"));
        var tooMany = Gen.Int[11, 40].Select(n => (string.Concat(Enumerable.Repeat("250-x\r\n", n - 1)) + "250 x\r\n", "has more than 10 lines"));
        var tooBig = Gen.Int[5, 9].Select(n => (string.Concat(Enumerable.Repeat("250-" + new string('y', 500) + "\r\n", n)) + "250 y\r\n",
            "is longer than 2048 bytes"));
        Gen.OneOf(tooLong, tooMany, tooBig).SelectMany(t => Cuts(t.Item1.Length).Select(cuts => (t.Item1, t.Item2, cuts)))
            .Sample((reply, reason, cuts) => Assert.Equal($"the greeting {reason}", Feed(Encoding.ASCII.GetBytes(reply), cuts)), iter: 3_000);
    }

    [Fact]
    public void The_reason_names_the_command_whose_reply_crossed_the_bound()
    {
        using var guard = new SessionGuard(Limits, TimeProvider.System);
        var greeting = "220 fake.test ESMTP\r\n"u8.ToArray();
        guard.LogServer(greeting, 0, greeting.Length);
        var ehlo = "EHLO mx.a.test\r\n"u8.ToArray();
        guard.LogClient(ehlo, 0, ehlo.Length);
        var flood = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("250-SIZE\r\n", 11)));
        var e = Assert.Throws<SessionLimitException>(() => guard.LogServer(flood, 0, flood.Length));
        Assert.Equal("the reply to EHLO has more than 10 lines", e.Message);
        // Once crossed, the session reads nothing more.
        Assert.Throws<SessionLimitException>(() => guard.LogServer(greeting, 0, greeting.Length));
    }
}
