using Azure;
using Azure.Data.Tables;

namespace PledgFunctions.Merchants;

/// <summary>Rows of the Merchants table. Partition <c>apikey</c>: RowKey = hex SHA-256 of an API
/// key, so a key is found by a point read and never stored in clear. Partition <c>merchant</c>:
/// RowKey = merchant id, holding the webhook signing secret (needed in clear to sign).</summary>
public sealed class MerchantEntity : ITableEntity
{
    public const string ApiKeyPartition = "apikey";
    public const string MerchantPartition = "merchant";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string MerchantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string? WebhookSecret { get; set; }
}
