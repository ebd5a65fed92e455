namespace PledgFunctions.Hosting;

/// <summary>The <c>Pledg</c> configuration section (see the contract's configuration table).</summary>
public sealed class PledgOptions
{
    public const string Section = "Pledg";

    /// <summary>Time the pledgers have to pay; also the deadline of a purchase never pledged.</summary>
    public TimeSpan PaymentWindow { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Base of <c>paymentUrl</c>/<c>shareUrl</c>; null means the address the request came in on.</summary>
    public string? PublicBaseUrl { get; set; }

    public List<BootstrapMerchantOptions> BootstrapMerchants { get; set; } = [];

    public PaymentsOptions Payments { get; set; } = new();

    public WebhookOptions Webhooks { get; set; } = new();

    public HistoryOptions History { get; set; } = new();

    public RecoveryOptions Recovery { get; set; } = new();

    public Email.EmailOptions Email { get; set; } = new();
}

public sealed class BootstrapMerchantOptions
{
    public string Name { get; set; } = "";
    public string ApiKey { get; set; } = "";
    public string WebhookSecret { get; set; } = "";
}

public sealed class PaymentsOptions
{
    /// <summary>An announced authorization with no decision this long after its announcement is
    /// voided by the purchase's orchestration (its request died). Far longer than a request.</summary>
    public TimeSpan RecoveryGrace { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>How long the engine keeps the history of orchestrations that ended
/// (<see cref="Lifecycle.FinishedInstancePurge"/>).</summary>
public sealed class HistoryOptions
{
    /// <summary>An ended orchestration (a purchase's lifecycle, a delivery, a merchant refund) created
    /// longer ago than this is purged: an operator can still look one up by the purchase id for a
    /// month after the purchase. The purchase, its shares, ledger and events are never purged.</summary>
    public TimeSpan KeepFinishedFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the standalone host purges, and deletes the idempotency keys past their
    /// retention; under the Functions host a timer function each does, hourly.</summary>
    public TimeSpan PurgeEvery { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>How often money owed by an orchestration that failed or was terminated is looked for
/// (<see cref="Lifecycle.StrandedMoneySweep"/>).</summary>
public sealed class RecoveryOptions
{
    /// <summary>How often the standalone host sweeps; under the Functions host a timer function
    /// does, every 5 minutes. Bounds how long such money waits.</summary>
    public TimeSpan SweepEvery { get; set; } = TimeSpan.FromMinutes(5);
}

public sealed class WebhookOptions
{
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Delivery attempts to one merchant this process makes at once: a merchant whose
    /// endpoint hangs holds at most this many of the engine's activity slots (10 by default),
    /// never the ones deadlines and settlements need.</summary>
    public int MaxConcurrentPerMerchant { get; set; } = 2;

    /// <summary>Lets notification URLs reach loopback, private and link-local addresses. Unset:
    /// allowed in the Development and Testing environments (local receivers), refused elsewhere.</summary>
    public bool? AllowPrivateNetworks { get; set; }
}
