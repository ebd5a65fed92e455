namespace PledgFunctions.Hosting;

public static class CustomHandlerPort
{
    /// <summary>The Functions host tells a custom handler where to listen through
    /// FUNCTIONS_CUSTOMHANDLER_PORT and forwards requests there on loopback.</summary>
    public static WebApplicationBuilder UseCustomHandlerPort(this WebApplicationBuilder builder)
    {
        if (builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"] is { Length: > 0 } port && int.TryParse(port, out var number))
            builder.WebHost.UseUrls($"http://127.0.0.1:{number}");
        return builder;
    }
}
