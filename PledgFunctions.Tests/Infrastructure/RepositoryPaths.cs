namespace PledgFunctions.Tests.Infrastructure;

public static class RepositoryPaths
{
    /// <summary>The repository root (the folder with package.json and node_modules).</summary>
    public static string Root { get; } = Find();

    public static string AzuriteScript => Path.Combine(Root, "node_modules", "azurite", "dist", "src", "azurite.js");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PledgFunctions.sln"))) return dir.FullName;
        throw new InvalidOperationException("Repository root (PledgFunctions.sln) not found above " + AppContext.BaseDirectory);
    }
}
