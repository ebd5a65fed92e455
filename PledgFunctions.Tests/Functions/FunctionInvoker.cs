using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace PledgFunctions.Tests.Functions;

/// <summary>What a response carries that a client relies on.</summary>
public sealed record Answer(int Status, string? ContentType, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>Headers compared between the two hosts (Date, Server, Content-Length and the like are the server's own).</summary>
    public static readonly string[] ComparedHeaders =
    [
        "WWW-Authenticate", "Retry-After", "Location", "Cache-Control", "ETag", "Content-Security-Policy",
        "Referrer-Policy", "X-Content-Type-Options", "X-Frame-Options", "Allow",
    ];

    public static async Task<Answer> FromAsync(HttpResponseMessage response)
    {
        // As sent: the parsed views may reorder or reformat values.
        var headers = response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
            .Where(h => ComparedHeaders.Contains(h.Key, StringComparer.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value));
        var contentType = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var type) ? type.ToString() : null;
        return new Answer((int)response.StatusCode, contentType, headers,
            await response.Content.ReadAsStringAsync());
    }
}

/// <summary>Calls a function method the way the worker's ASP.NET Core integration does: a real
/// HttpContext whose services are a request scope of the app, a request body stream, and the
/// returned result executed against the response.</summary>
public sealed class FunctionInvoker(IServiceProvider services, Uri baseAddress)
{
    public async Task<Answer> InvokeAsync(Func<HttpRequest, Task<IResult>> function, HttpMethod method, string pathAndQuery,
        string? apiKey = null, string? json = null, Dictionary<string, string>? headers = null,
        Action<IServiceProvider>? inspectScope = null)
    {
        await using var scope = services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var uri = new Uri(baseAddress, pathAndQuery);
        context.Request.Method = method.Method;
        context.Request.Scheme = uri.Scheme;
        context.Request.Host = new HostString(uri.Authority);
        context.Request.Path = uri.AbsolutePath;
        context.Request.QueryString = new QueryString(uri.Query);
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        if (apiKey is not null) context.Request.Headers.Authorization = "Bearer " + apiKey;
        foreach (var (name, value) in headers ?? []) context.Request.Headers[name] = value;
        var body = Encoding.UTF8.GetBytes(json ?? "");
        if (json is not null) context.Request.ContentType = "application/json; charset=utf-8";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body);
        var response = new MemoryStream();
        context.Response.Body = response;

        var result = await function(context.Request);
        await result.ExecuteAsync(context);
        inspectScope?.Invoke(scope.ServiceProvider);

        var answerHeaders = context.Response.Headers
            .Where(h => Answer.ComparedHeaders.Contains(h.Key, StringComparer.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        return new Answer(context.Response.StatusCode, context.Response.ContentType, answerHeaders, Encoding.UTF8.GetString(response.ToArray()));
    }
}
