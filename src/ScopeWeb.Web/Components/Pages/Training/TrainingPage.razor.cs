using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.Datasets;
using ScopeWeb.Training;
using ScopeWeb.Training.Data;
using ScopeWeb.Web.Training;

namespace ScopeWeb.Web.Components.Pages.Training;

public sealed partial class TrainingPage
{
    private const long MaxUploadBytes = 512L * 1024 * 1024;

    // Runs trained by another instance send no live progress here; the list is read again this often while any is active.
    private static readonly TimeSpan ActiveRunsRefresh = TimeSpan.FromSeconds(3);

    private readonly TrainingForm _form = new();
    private string _datasetKind = "catalog";
    private string? _uploadMessage;
    private IReadOnlyList<string> _problems = [];
    private string? _startMessage;
    private IReadOnlyList<TrainingRun> _runs = [];

    // Parsed once per refresh: the metrics JSON carries three ROC curves, too much to parse for every row on every render.
    private Dictionary<long, string> _testAuc = [];
    private long? _selectedId;
    private TrainingRun? _selected;
    private IReadOnlyList<TrainingStep> _steps = [];
    private SplitMetrics? _metrics;
    private string? _promoteMessage;
    private bool _promoteFailed;
    private int _renderQueued;
    private Timer? _activeRunsTimer;

    [Inject] private TrainingRunRequests Requests { get; set; } = default!;
    [Inject] private TrainingRunStore Store { get; set; } = default!;
    [Inject] private TrainingProgress Live { get; set; } = default!;
    [Inject] private ModelPromoter Promoter { get; set; } = default!;
    [Inject] private DatasetStore Datasets { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;

    /// <summary>Run to show, from the URL (<c>/training?run=12</c>).</summary>
    [SupplyParameterFromQuery(Name = "run")] public long? RunFromUrl { get; set; }

    private IEnumerable<ScopeTag> TagChoices => _datasetKind == "catalog" ? TrainingForm.CatalogTags : ScopeTags.All;

    private string RunCountText
    {
        get
        {
            var n = _form.Tags.Count * (_form.Algorithm == TrainingForm.BothAlgorithms ? 2 : 1);
            return n == 1 ? "1 run" : $"{n} runs";
        }
    }

    protected override async Task OnInitializedAsync()
    {
        Live.Changed += OnLiveChanged;
        if (RendererInfo.IsInteractive)
        {
            _activeRunsTimer = new Timer(_ => OnActiveRunsTick(), null, ActiveRunsRefresh, ActiveRunsRefresh);
        }

        await RefreshAsync();
        if (RunFromUrl is { } id)
        {
            await SelectAsync(id);
        }
    }

    private async Task RefreshAsync()
    {
        _runs = await Store.ListAsync();
        _testAuc = _runs.ToDictionary(r => r.Id, r => SplitMetrics.FromJson(r.MetricsJson) is { } m ? F(m.Test.RocAuc) : "");
        if (_selectedId is { } id)
        {
            await LoadSelectedAsync(id);
        }
    }

    private async Task SelectAsync(long id)
    {
        _selectedId = id;
        await LoadSelectedAsync(id);
    }

    private async Task LoadSelectedAsync(long id)
    {
        _selected = await Store.GetAsync(id);
        if (_selected is null)
        {
            return;
        }

        // While the run trains, its steps come from the live progress; afterwards from the history stored with it.
        _steps = Live.RunId == id ? Live.Steps : TrainingRunStore.History(_selected);
        _metrics = SplitMetrics.FromJson(_selected.MetricsJson);
    }

    private void SetDatasetKind(string kind)
    {
        _datasetKind = kind;
        if (kind == "catalog")
        {
            _form.Dataset = TrainingParameters.CatalogDataset;
            _form.Tags = _form.Tags.Where(t => TrainingForm.CatalogTags.Any(c => c.Tag == t)).ToList();
        }
    }

    private void SetTags(IEnumerable<string>? tags) => _form.Tags = tags?.ToList() ?? [];

    private void SelectAllFamilies() => _form.Tags = TagChoices.Select(t => t.Tag).ToList();

    private async Task UploadAsync(IBrowserFile? file)
    {
        if (file is null)
        {
            return;
        }

        try
        {
            StoredDataset stored;
            await using (var source = file.OpenReadStream(MaxUploadBytes))
            {
                stored = await Datasets.SaveAsync(source);
            }

            var table = TrainingTable.ReadCsv(stored.Path);
            _form.Dataset = stored.Path;
            _uploadMessage = string.Create(CultureInfo.InvariantCulture, $"{file.Name}: {table.Rows:N0} rows, {table.ColumnNames.Count} columns{(table.HasColumn(TrainingTable.DmdtColumn) ? ", with dmdt" : ", no dmdt (the DNN will use the features only)")}.");
            if (!table.HasColumn(TrainingTable.DmdtColumn))
            {
                _form.ConvBranch = false;
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            _form.Dataset = TrainingParameters.CatalogDataset;
            _uploadMessage = ex.Message;
        }
    }

    private async Task StartAsync()
    {
        var (runs, problems) = _form.Runs();
        _problems = problems;
        _startMessage = null;
        if (problems.Count > 0)
        {
            return;
        }

        long? first = null;
        foreach (var parameters in runs)
        {
            var run = await Requests.EnqueueAsync(parameters, "training page");
            first ??= run.Id;
        }

        _startMessage = $"{runs.Count} {(runs.Count == 1 ? "run" : "runs")} queued.";
        await RefreshAsync();
        if (first is { } id)
        {
            await SelectAsync(id);
        }
    }

    private async Task CancelAsync(long id)
    {
        await Requests.CancelAsync(id);
        await RefreshAsync();
    }

    private async Task PromoteAsync(long id)
    {
        try
        {
            var card = await Promoter.PromoteAsync(id);
            _promoteFailed = false;
            _promoteMessage = $"Run {id} promoted: {card}. Scoring picks it up without a restart.";
        }
        catch (InvalidOperationException ex)
        {
            _promoteFailed = true;
            _promoteMessage = ex.Message;
        }

        await RefreshAsync();
    }

    private void OnLiveChanged()
    {
        if (Interlocked.Exchange(ref _renderQueued, 1) == 1)
        {
            return;
        }

        _ = InvokeAsync(async () =>
        {
            // At most two refreshes a second, however fast the steps come.
            await Task.Delay(500);
            Volatile.Write(ref _renderQueued, 0);
            await RefreshAsync();
            StateHasChanged();
        });
    }

    private void OnActiveRunsTick()
    {
        if (!_runs.Any(r => r.State is TrainingRunState.Queued or TrainingRunState.Running) || Interlocked.Exchange(ref _renderQueued, 1) == 1)
        {
            return;
        }

        _ = InvokeAsync(async () =>
        {
            try
            {
                await RefreshAsync();
                StateHasChanged();
            }
            finally
            {
                Volatile.Write(ref _renderQueued, 0);
            }
        });
    }

    private string ProgressText(TrainingRun run)
    {
        if (run.State != TrainingRunState.Running || _steps.Count == 0 || run.StartedAtUtc is not { } started)
        {
            return "";
        }

        var last = _steps[^1];
        var elapsed = DateTime.UtcNow - started;
        var remaining = TimeSpan.FromSeconds(elapsed.TotalSeconds / last.Step * (last.MaxSteps - last.Step));
        return string.Create(CultureInfo.InvariantCulture, $" of at most {last.MaxSteps}; at most {remaining.TotalMinutes:F0} min {remaining.Seconds} s left (early stopping usually ends sooner)");
    }

    private static string StateText(TrainingRun run) => run.State switch
    {
        TrainingRunState.Running when run.CancelRequestedAtUtc is not null => "cancelling",
        TrainingRunState.Succeeded when run.FinishedAtUtc is { } f && run.StartedAtUtc is { } s =>
            string.Create(CultureInfo.InvariantCulture, $"succeeded in {(f - s).TotalSeconds:F0} s"),
        _ => run.State.ToString().ToLowerInvariant(),
    };

    /// <summary>Which process trains (or trained) the run and its last heartbeat.</summary>
    private static string? OwnerText(TrainingRun run) => run.OwnerHost is { } host && run.OwnerProcessId is { } pid
        ? string.Create(CultureInfo.InvariantCulture, $"trained by process {host}/{pid}{(run.HeartbeatUtc is { } beat ? $", last heartbeat {beat:yyyy-MM-dd HH:mm:ss} UTC" : "")}")
        : null;

    private static Color StateColor(TrainingRunState state) => state switch
    {
        TrainingRunState.Succeeded => Color.Success,
        TrainingRunState.Failed => Color.Error,
        TrainingRunState.Running => Color.Info,
        TrainingRunState.Cancelled => Color.Warning,
        _ => Color.Default,
    };

    private static string DatasetName(string dataset) => dataset == TrainingParameters.CatalogDataset ? dataset : Path.GetFileName(dataset);

    private string TestAuc(TrainingRun run) => _testAuc.GetValueOrDefault(run.Id, "");

    private static string F(double value) => double.IsFinite(value) ? value.ToString("F4", CultureInfo.InvariantCulture) : "—";

    public void Dispose()
    {
        Live.Changed -= OnLiveChanged;
        _activeRunsTimer?.Dispose();
    }
}
