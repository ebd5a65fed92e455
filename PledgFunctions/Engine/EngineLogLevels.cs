namespace PledgFunctions.Engine;

/// <summary>The logger factory the engine's Azure Storage provider writes to: the app's, with the
/// provider's routine delivery events lowered from Warning to Information. Under load they come by the
/// dozen and nothing is wrong: the message goes back on its queue and is processed a moment later. A
/// level for the whole category would also hide the provider's warnings that do mean something (a
/// poison message, split brain, a failed assertion, a lease it could not remove); those and its
/// errors are left as they are.</summary>
internal sealed class EngineLogLevels(ILoggerFactory loggers) : ILoggerFactory
{
    /// <summary>DurableTask.AzureStorage's event ids (its Logging/EventIds.cs).</summary>
    private static bool IsRoutine(EventId id) => id.Id is
        104 or // AbandoningMessage: a message put back on its queue with a short delay, as for the next one
        118 or // ReceivedOutOfOrderMessage: an activity's result or a timer came before its orchestration's checkpoint
        139;   // DiscardingWorkItem: messages for an instance that is not there ("No such instance"), e.g. purged or not yet started

    public ILogger CreateLogger(string categoryName) => new Logger(loggers.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => loggers.AddProvider(provider);

    /// <summary>The app's factory is the host's to dispose.</summary>
    public void Dispose() { }

    private sealed class Logger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var level = logLevel == LogLevel.Warning && IsRoutine(eventId) ? LogLevel.Information : logLevel;
            if (inner.IsEnabled(level)) inner.Log(level, eventId, state, exception, formatter);
        }
    }
}
