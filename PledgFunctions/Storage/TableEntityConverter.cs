using System.Collections.Concurrent;
using System.Reflection;
using Azure.Data.Tables;

namespace PledgFunctions.Storage;

/// <summary>Maps a <see cref="TableEntity"/> from a mixed-row query (a purchase row and its
/// shares in one request) onto the typed entity of its row kind.</summary>
public static class TableEntityConverter
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    public static T To<T>(TableEntity row) where T : class, ITableEntity, new()
    {
        var entity = new T { PartitionKey = row.PartitionKey, RowKey = row.RowKey, Timestamp = row.Timestamp, ETag = row.ETag };
        foreach (var property in Properties.GetOrAdd(typeof(T), Writable))
        {
            if (!row.TryGetValue(property.Name, out var value) || value is null) continue;
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            property.SetValue(entity, value switch
            {
                DateTime d when target == typeof(DateTimeOffset) => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
                _ when target.IsInstanceOfType(value) => value,
                _ => System.Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        return entity;
    }

    private static PropertyInfo[] Writable(Type type) => type.GetProperties()
        .Where(p => p.CanWrite && p.Name is not (nameof(ITableEntity.PartitionKey) or nameof(ITableEntity.RowKey)
            or nameof(ITableEntity.Timestamp) or nameof(ITableEntity.ETag)))
        .ToArray();
}
