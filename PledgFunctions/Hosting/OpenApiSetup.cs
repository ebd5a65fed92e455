namespace PledgFunctions.Hosting;

public static class OpenApiSetup
{
    public static IServiceCollection AddOpenApiDocument(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Pledg Functions";
                document.Info.Description = "Split payments: the organizer pays the cart, pledgers reimburse their shares within the payment window.";
                return Task.CompletedTask;
            });
        });
        return services;
    }
}
