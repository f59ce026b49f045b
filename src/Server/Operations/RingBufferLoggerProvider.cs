namespace OpenMailserver.Server.Operations;

/// <summary>Feeds every log line, redacted, into the <see cref="LogRingBuffer"/>.</summary>
public sealed class RingBufferLoggerProvider(LogRingBuffer buffer) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new RingBufferLogger(buffer, categoryName);

    public void Dispose()
    {
    }

    private sealed class RingBufferLogger(LogRingBuffer buffer, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (exception is not null) message += $" ({exception.GetType().Name}: {exception.Message})";
            buffer.Add(new LogRingBuffer.Entry(DateTimeOffset.UtcNow, logLevel, category, SecretRedactor.Redact(message)));
        }
    }
}
