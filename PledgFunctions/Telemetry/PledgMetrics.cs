using System.Diagnostics.Metrics;
using PledgFunctions.Storage;

namespace PledgFunctions.Telemetry;

/// <summary>The business counters, one call per event at the place it commits. Tags are closed
/// sets (currency, state, reason, outcome): never an id, an email, a token or a URL.</summary>
public static class PledgMetrics
{
    public const string MeterName = "PledgFunctions.Purchases";
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Created = Meter.CreateCounter<long>("pledg.purchases.created", "{purchase}", "Purchases created.");
    private static readonly Counter<long> Pledged = Meter.CreateCounter<long>("pledg.purchases.pledged", "{purchase}", "Purchases the organizer paid.");
    private static readonly Counter<long> Succeeded = Meter.CreateCounter<long>("pledg.purchases.succeeded", "{purchase}", "Purchases written SUCCESSFULL.");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("pledg.purchases.failed", "{purchase}", "Purchases written FAILED, by failure reason.");
    private static readonly Counter<long> PaymentsFailed = Meter.CreateCounter<long>("pledg.payments.failed", "{payment}", "Money movements refused for good, by reason.");
    private static readonly Counter<long> TasksFailed = Meter.CreateCounter<long>("pledg.tasks.failed", "{task}", "Activities stopped on a permanent failure, by activity.");
    private static readonly Counter<long> WebhookAttempts = Meter.CreateCounter<long>("pledg.webhooks.attempts", "{attempt}", "Webhook POSTs made, by outcome.");

    public static void PurchaseCreated(string currency) => Created.Add(1, new KeyValuePair<string, object?>("currency", currency));

    public static void PurchasePledged(int shares) => Pledged.Add(1, new KeyValuePair<string, object?>("shares", shares));

    /// <summary>Called with every committed purchase row; counts only the final ones.</summary>
    public static void PurchaseCommitted(string state, string? failureReason)
    {
        if (state == PurchaseStates.Succeeded) Succeeded.Add(1);
        else if (state == PurchaseStates.Failed) Failed.Add(1, new KeyValuePair<string, object?>("reason", failureReason ?? "unknown"));
    }

    public static void PaymentFailed(string reason) => PaymentsFailed.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public static void TaskFailed(string activity) => TasksFailed.Add(1, new KeyValuePair<string, object?>("activity", activity));

    private static readonly Counter<long> MessageAttempts = Meter.CreateCounter<long>("pledg.messages.attempts", "{attempt}", "Emails sent or tried, by kind and outcome.");

    public static void MessageAttempt(string kind, bool sent) =>
        MessageAttempts.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", sent ? "sent" : "failed"));

    public static void WebhookAttempt(bool delivered) =>
        WebhookAttempts.Add(1, new KeyValuePair<string, object?>("outcome", delivered ? "delivered" : "failed"));
}
