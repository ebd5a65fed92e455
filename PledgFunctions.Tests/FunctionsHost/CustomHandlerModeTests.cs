using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PledgFunctions.FunctionsHost;

namespace PledgFunctions.Tests.FunctionsHost;

/// <summary>What FUNCTIONS_CUSTOMHANDLER_PORT switches on, seen on a built (not started) app.</summary>
public sealed class CustomHandlerModeTests
{
    private static WebApplication Build(Dictionary<string, string?> settings, ILoggerProvider? logs = null) =>
        PledgApp.Build(["--environment", "Testing"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });
            builder.Configuration.AddInMemoryCollection(settings);
            if (logs is not null) builder.Logging.AddProvider(logs);
        });

    private static List<string> Paths(WebApplication app) =>
        ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText ?? "").ToList();

    [Fact]
    public async Task OutsideTheHostTheInvocationsAreNotMapped()
    {
        await using var app = Build([]);
        Assert.DoesNotContain("/deadline-timers", Paths(app));
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s.GetType().Name == "CustomHandlerStartupCheck");
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("https://pledg-functions.example", false)]
    public async Task UnderTheHostAMissingPublicBaseUrlIsWarnedAbout(string? publicBaseUrl, bool warned)
    {
        var logs = new CapturingLogs();
        await using var app = Build(new() { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "7071", ["Pledg:PublicBaseUrl"] = publicBaseUrl }, logs);
        Assert.Contains("/deadline-timers", Paths(app));

        var check = app.Services.GetServices<IHostedService>().Single(s => s.GetType().Name == "CustomHandlerStartupCheck");
        await check.StartAsync(CancellationToken.None);

        Assert.Equal(warned, logs.Lines.Any(l => l.Level == LogLevel.Warning && l.Text.Contains("Pledg:PublicBaseUrl is not set")));
    }

    private sealed class CapturingLogs : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue((logLevel, formatter(state, exception)));

        public void Dispose() { }
    }
}
