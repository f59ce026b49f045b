namespace OpenMailserver.Admin.Services;

/// <summary>Runs a page's reload at a fixed interval until the page goes away. Disposing only cancels:
/// the loop may still be between two ticks.</summary>
public sealed class PeriodicRefresh : IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private PeriodicRefresh()
    {
    }

    /// <param name="every">The interval.</param>
    /// <param name="tick">The reload; a page passes it through its own <c>InvokeAsync</c>.</param>
    public static PeriodicRefresh Start(TimeSpan every, Func<Task> tick)
    {
        var refresh = new PeriodicRefresh();
        _ = refresh.RunAsync(every, tick);
        return refresh;
    }

    private async Task RunAsync(TimeSpan every, Func<Task> tick)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await tick();
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose() => _stop.Cancel();
}
