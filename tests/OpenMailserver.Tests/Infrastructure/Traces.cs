using System.Text.Json;

namespace OpenMailserver.Tests.Infrastructure;

/// <summary>Reading <c>GET /v1/debug/messages/{id}/trace</c> while the delivery worker works.</summary>
public static class Traces
{
    public static async Task<JsonElement> TraceAsync(this HttpClient client, long id) =>
        await client.GetJsonAsync($"/v1/debug/messages/{id}/trace");

    public static IReadOnlyList<string> EventTypes(this JsonElement trace) =>
        trace.GetProperty("details").GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event_type").GetString()!).ToList();

    public static IEnumerable<JsonElement> Events(this JsonElement trace, string type) =>
        trace.GetProperty("details").GetProperty("events").EnumerateArray().Where(e => e.GetProperty("event_type").GetString() == type);

    /// <summary>Polls the trace until <paramref name="done"/> holds, and fails with the last trace if it never does.</summary>
    public static async Task<JsonElement> WaitForAsync(this HttpClient client, long id, Func<JsonElement, bool> done, int seconds = 30)
    {
        var trace = await client.TraceAsync(id);
        for (var i = 0; i < seconds * 10 && !done(trace); i++)
        {
            await Task.Delay(100);
            trace = await client.TraceAsync(id);
        }
        Assert.True(done(trace), $"the trace never got there: {trace.GetRawText()}");
        return trace;
    }

    public static Task<JsonElement> WaitForStateAsync(this HttpClient client, long id, string state, int seconds = 30) =>
        client.WaitForAsync(id, t => t.GetProperty("status").GetString() == state, seconds);

    /// <summary>Asserts that <paramref name="expected"/> occur in this order (other events may come between).</summary>
    public static void AssertInOrder(this JsonElement trace, params string[] expected)
    {
        var actual = trace.EventTypes();
        var at = 0;
        foreach (var type in actual)
            if (at < expected.Length && type == expected[at]) at++;
        Assert.True(at == expected.Length, $"expected the events {string.Join(", ", expected)} in order; got {string.Join(", ", actual)}");
    }
}
