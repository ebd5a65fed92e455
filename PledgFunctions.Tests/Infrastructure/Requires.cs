namespace PledgFunctions.Tests.Infrastructure;

/// <summary>Optional pieces a test needs (Chromium, a Functions host). Missing, the test is
/// reported skipped with one line naming what to install; with <see cref="Switch"/> set to 1 (CI
/// sets it) a missing piece fails the test instead, so CI always runs them. Use in a
/// <c>[SkippableFact]</c> or <c>[SkippableTheory]</c>.</summary>
public static class Requires
{
    public const string Switch = "PLEDG_TESTS_REQUIRE_ALL";

    public static bool Strict => Environment.GetEnvironmentVariable(Switch) == "1";

    /// <summary>Debian's Chromium, unless <c>PLEDG_CHROMIUM_PATH</c> names another build.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("PLEDG_CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static bool HasChromium => File.Exists(ChromiumPath);

    public static void Chromium() => Piece(HasChromium,
        $"Chromium not found at {ChromiumPath}: install Debian's chromium package (apt-get install chromium) or set PLEDG_CHROMIUM_PATH");

    /// <summary>Core Tools' <c>func</c> on PATH, or the host built from source beside the repository.</summary>
    public static FunctionsHostCommand FunctionsHost()
    {
        var found = FunctionsHostCommand.Find();
        Piece(found is not null,
            $"no Functions host: install Azure Functions Core Tools 4 (func on PATH) or put the host built from source at {FunctionsHostCommand.SharedStartScript}");
        return found!;
    }

    private static void Piece(bool present, string whatToInstall)
    {
        if (present) return;
        if (Strict) throw new InvalidOperationException($"{whatToInstall} ({Switch}=1: a missing piece fails the test).");
        throw new SkipException(whatToInstall);
    }
}
