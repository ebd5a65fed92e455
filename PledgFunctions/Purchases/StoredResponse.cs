namespace PledgFunctions.Purchases;

/// <summary>A response as sent, byte for byte, so an idempotent replay answers exactly what the
/// first request was answered.</summary>
public sealed record StoredResponse(int Status, string? ContentType, byte[] Body, string? Location) : IResult
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    public bool Replayed { get; init; }

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = Status;
        if (ContentType is not null) http.Response.ContentType = ContentType;
        if (Location is not null) http.Response.Headers.Location = Location;
        if (Replayed) http.Response.Headers[ReplayedHeader] = "true";
        await http.Response.Body.WriteAsync(Body);
    }
}
