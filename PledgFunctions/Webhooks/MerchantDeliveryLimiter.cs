using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PledgFunctions.Hosting;

namespace PledgFunctions.Webhooks;

/// <summary>At most <c>Pledg:Webhooks:MaxConcurrentPerMerchant</c> delivery attempts per merchant
/// at once in this process. An attempt that finds its merchant's slots taken does not wait for one
/// (it would hold an engine activity slot while waiting): it fails as busy and its retry policy
/// schedules it again, so one merchant's hanging endpoint holds a bounded share of the activities.</summary>
public sealed class MerchantDeliveryLimiter(IOptions<PledgOptions> options)
{
    /// <summary>Long enough for a slot freed by an attempt that just answered; short against an activity slot.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _merchants = new(StringComparer.Ordinal);

    /// <summary>A held slot (dispose to release), or throws <see cref="MerchantBusyException"/>.</summary>
    public async Task<IDisposable> EnterAsync(string merchantId, CancellationToken ct)
    {
        var limit = options.Value.Webhooks.MaxConcurrentPerMerchant;
        var slots = _merchants.GetOrAdd(merchantId, _ => new SemaphoreSlim(limit, limit));
        if (!await slots.WaitAsync(Wait, ct)) throw new MerchantBusyException($"Merchant {merchantId} has {limit} deliveries under way; tried again later.");
        return new Slot(slots);
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}

/// <summary>Transient: the attempt was not made, and is not counted; the retry policy schedules it again.</summary>
public sealed class MerchantBusyException(string message) : Exception(message);
