using OpenMailserver.Fuzz;
using SharpFuzz;

// One target per run, named by the first argument; afl-fuzz feeds each input on standard input.
var targets = new Dictionary<string, Action<byte[]>>
{
    ["imap-command"] = ImapCommandTarget.Run,
    ["mime"] = MimeTarget.Run,
    ["spf"] = AuthenticationRecordTarget.Spf,
    ["dkim-key"] = AuthenticationRecordTarget.DkimKey,
};
if (args.Length != 1 || !targets.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: OpenMailserver.Fuzz <{string.Join('|', targets.Keys)}>");
    return 2;
}
Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.ToArray());
});
return 0;
