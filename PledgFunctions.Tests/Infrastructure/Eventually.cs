using System.Diagnostics;

namespace PledgFunctions.Tests.Infrastructure;

/// <summary>Waits on a condition with a timeout instead of sleeping a fixed time.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> read, Func<T, bool> until, TimeSpan timeout, string what)
    {
        var waited = Stopwatch.StartNew();
        T value;
        while (!until(value = await read()))
        {
            if (waited.Elapsed > timeout) throw new TimeoutException($"{what}: not reached within {timeout}; last value {value}");
            await Task.Delay(50);
        }
        return value;
    }

    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        ReturnsAsync(condition, ok => ok, timeout, what);
}
