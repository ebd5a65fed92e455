namespace PledgFunctions.Storage;

/// <summary>Whether storage answers, for <c>/api/health</c>, and the signal that makes the
/// initializer re-create tables and queues that vanished (a development Azurite restarted in
/// memory) without restarting the service.</summary>
public sealed class StorageHealth(StorageClients storage)
{
    public const string RetryAfterSeconds = "5";
    private readonly SemaphoreSlim _reinitialize = new(0, 1);

    private readonly TaskCompletionSource _firstInitialization = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Initialized { get; private set; }

    public void MarkInitialized()
    {
        Initialized = true;
        _firstInitialization.TrySetResult();
    }

    /// <summary>Completes once tables and queues first exist. Background workers wait here before
    /// their first poll, so they never race the creation of what they read; tests wait here too.</summary>
    public Task WaitUntilInitializedAsync(CancellationToken ct) => _firstInitialization.Task.WaitAsync(ct);

    /// <summary>For a worker's start: false when the host stops first.</summary>
    public async Task<bool> TryWaitUntilInitializedAsync(CancellationToken ct)
    {
        try
        {
            await WaitUntilInitializedAsync(ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void ReportFailure(Exception e)
    {
        if (!StorageErrors.IsMissingResource(e)) return;
        Initialized = false;
        if (_reinitialize.CurrentCount == 0) _reinitialize.Release();
    }

    public Task<bool> WaitForReinitializeRequestAsync(TimeSpan timeout, CancellationToken ct) => _reinitialize.WaitAsync(timeout, ct);

    /// <summary>One cheap point read, bounded to a few seconds.</summary>
    public async Task<bool> CheckAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(4));
        try
        {
            await storage.Purchases.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("health", "health", cancellationToken: timeout.Token);
            return Initialized;
        }
        catch (Exception e) when (StorageErrors.IsUnavailable(e) || e is OperationCanceledException && !ct.IsCancellationRequested)
        {
            ReportFailure(e);
            return false;
        }
    }
}
