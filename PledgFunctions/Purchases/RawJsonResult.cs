using System.Text;

namespace PledgFunctions.Purchases;

/// <summary>A response whose JSON was serialized once and stored, so an idempotent replay sends
/// exactly the bytes of the first response.</summary>
public sealed class RawJsonResult(int status, string json, string? location, bool replayed) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        if (location is not null) http.Response.Headers.Location = location;
        if (replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(json));
    }
}
