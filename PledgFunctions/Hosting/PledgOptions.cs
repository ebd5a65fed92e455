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

    public LifecycleOptions Lifecycle { get; set; } = new();

    public PaymentsOptions Payments { get; set; } = new();

    public WebhookOptions Webhooks { get; set; } = new();
}

public sealed class BootstrapMerchantOptions
{
    public string Name { get; set; } = "";
    public string ApiKey { get; set; } = "";
    public string WebhookSecret { get; set; } = "";
}

public sealed class LifecycleOptions
{
    /// <summary>Poll the timer queue and run the sweep in this process. Off under the Functions
    /// host, whose queue and timer triggers deliver the same work instead.</summary>
    public bool InProcessWorkers { get; set; } = true;

    /// <summary>How long the timer worker waits after finding the queue empty.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the safety-net sweep reads the due index.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A timer message seen more often than this goes to the poison queue.</summary>
    public int MaxDequeueCount { get; set; } = 5;
}

public sealed class PaymentsOptions
{
    /// <summary>An authorization still open this long after it was made is settled by recovery
    /// (captured if its share was committed, voided otherwise). Far longer than a request.</summary>
    public TimeSpan RecoveryGrace { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class WebhookOptions
{
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Lets notification URLs reach loopback, private and link-local addresses. Unset:
    /// allowed in the Development and Testing environments (local receivers), refused elsewhere.</summary>
    public bool? AllowPrivateNetworks { get; set; }
}
