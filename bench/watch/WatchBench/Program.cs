// Watcher benchmark client: holds many REST event streams (GET /v1/mailboxes/{address}/events) open on one
// mailbox. Usage: WatchBench <http port> <address> <api key> <watchers>
// Prints "ready" once every stream has its first line; then for each number k read from stdin waits until
// every watcher has seen k message.received events in all and prints "delivered <k> <ms>" (from reading k to
// the last watcher's last event); exits at an empty line or when stdin closes.
using System.Diagnostics;

var (port, address, key, n) = (int.Parse(args[0]), args[1], args[2], int.Parse(args[3]));
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = n + 16 }) { Timeout = Timeout.InfiniteTimeSpan };
http.DefaultRequestHeaders.Add("X-OpenMailserver-Key", key);
var received = new int[n];
var started = Enumerable.Range(0, n).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
using var stop = new CancellationTokenSource();
var watchers = Enumerable.Range(0, n).Select(i => Task.Run(async () =>
{
    using var response = await http.GetAsync($"http://127.0.0.1:{port}/v1/mailboxes/{address}/events", HttpCompletionOption.ResponseHeadersRead, stop.Token);
    response.EnsureSuccessStatusCode();
    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
    while (await reader.ReadLineAsync(stop.Token) is { } line)
    {
        if (line.Contains("\"watch.started\"")) started[i].TrySetResult();
        else if (line.Contains("\"message.received\"")) Interlocked.Increment(ref received[i]);
    }
})).ToArray();
await Task.WhenAll(started.Select(s => s.Task)).WaitAsync(TimeSpan.FromMinutes(5));
Console.WriteLine("ready");

bool Behind(int expected) => Enumerable.Range(0, n).Any(i => Volatile.Read(ref received[i]) < expected);
// Each line read is the total number of events every watcher should have by now.
while (Console.ReadLine() is { Length: > 0 } line)
{
    var expected = int.Parse(line);
    var clock = Stopwatch.StartNew();
    while (Behind(expected) && clock.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(10);
    var behind = received.Count(r => r < expected);
    Console.WriteLine(behind == 0 ? $"delivered {expected} {clock.Elapsed.TotalMilliseconds:F0}" : $"missing: {behind} watchers saw fewer than {expected} events");
}
await Console.In.ReadToEndAsync();
await stop.CancelAsync();
try { await Task.WhenAll(watchers); } catch (OperationCanceledException) { }
