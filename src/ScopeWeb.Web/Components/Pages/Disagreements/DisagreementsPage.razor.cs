using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using ScopeWeb.Core.Classifiers;
using ScopeWeb.Core.Disagreements;
using ScopeWeb.Core.Groups;
using ScopeWeb.Web.Disagreements;

namespace ScopeWeb.Web.Components.Pages.Disagreements;

public sealed partial class DisagreementsPage
{
    /// <summary>Disagreements listed per tag (largest score differences first); the scatter still shows all.</summary>
    internal const int RowLimit = 1000;

    private DisagreementPageState _state = new();
    private IReadOnlyList<TagAgreement>? _summaries;
    private IReadOnlyList<string> _problems = [];
    private ScoreScatter? _scatter;
    private IReadOnlyList<Disagreement> _rows = [];
    private readonly HashSet<long> _selected = [];
    private int _trainingSetSize;
    private bool _loading = true;
    private string _groupName = "";
    private bool _saving;
    private string? _saveMessage;
    private bool _saveFailed;
    private string? _savedGroup;
    private CancellationTokenSource? _loadCts;
    private DateTime? _scoredAtUtc;

    [Inject] private DisagreementFinder Finder { get; set; } = default!;
    [Inject] private SourceGroups Groups { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private ScoringJobStatus Scoring { get; set; } = default!;

    private bool AllSelected => _rows.Count > 0 && _rows.All(r => _selected.Contains(r.SourceId));

    protected override async Task OnInitializedAsync()
    {
        _state = DisagreementPageState.Parse(new Uri(Nav.Uri).Query);
        _scoredAtUtc = Scoring.LastCompletedUtc;
        Nav.LocationChanged += OnLocationChanged;
        Scoring.Changed += OnScoringChanged;
        await LoadAsync();
    }

    private static string AgreementText(TagAgreement s) =>
        double.IsNaN(s.AgreementFraction) ? "—" : s.AgreementFraction.ToString("P1", System.Globalization.CultureInfo.InvariantCulture);

    private async Task LoadAsync()
    {
        var cts = new CancellationTokenSource();
        var previous = Interlocked.Exchange(ref _loadCts, cts);
        if (previous is not null)
        {
            await previous.CancelAsync();
            previous.Dispose();
        }

        var ct = cts.Token;
        _loading = true;
        _problems = _state.Criteria.Validate();
        try
        {
            _trainingSetSize = await Finder.TrainingSetSizeAsync(ct);
            if (_problems.Count > 0)
            {
                return;
            }

            _summaries = await Finder.SummariseAsync(_state.Criteria, ct);
            var tag = _state.Tag;
            if (tag is null && _summaries.Count > 0)
            {
                // Open on the tag with the most disagreements; the URL stays as the user wrote it.
                tag = _summaries.OrderByDescending(s => s.Disagreeing).ThenBy(s => s.Tag, StringComparer.Ordinal).First().Tag;
                _state = _state with { Tag = tag };
            }

            if (tag is not null)
            {
                _scatter = await Finder.ScatterAsync(tag, _state.Criteria, ct: ct);
                _rows = await Finder.FindAsync(tag, _state.Criteria, RowLimit, ct);
                _selected.IntersectWith(_rows.Select(r => r.SourceId));
                if (_groupName.Length == 0 || _groupName.StartsWith("disagreements-", StringComparison.Ordinal))
                {
                    // Follow the tag unless the user typed a name of their own.
                    _groupName = DisagreementPageState.SuggestedGroupName(tag);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // A newer load replaced this one.
        }
        finally
        {
            if (ReferenceEquals(Volatile.Read(ref _loadCts), cts))
            {
                _loading = false;
            }
        }
    }

    private Task SetHigh(double value) => ApplyAsync(_state with { Criteria = _state.Criteria with { High = value } });

    private Task SetLow(double value) => ApplyAsync(_state with { Criteria = _state.Criteria with { Low = value } });

    private Task SetExcludeTraining(bool value) => ApplyAsync(_state with { Criteria = _state.Criteria with { ExcludeTrainingSet = value } });

    private Task SelectTagAsync(string tag) => ApplyAsync(_state with { Tag = tag });

    private async Task ApplyAsync(DisagreementPageState next)
    {
        if (next == _state)
        {
            return;
        }

        if (!string.Equals(next.Tag, _state.Tag, StringComparison.Ordinal))
        {
            _selected.Clear();
            _saveMessage = null;
        }

        _state = next;
        Nav.NavigateTo(next.Url(), replace: true);
        await LoadAsync();
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        // Leaving the page (a clicked point opens a source) also raises this; only this page's URLs carry its state.
        var location = new Uri(e.Location);
        if (!location.AbsolutePath.TrimEnd('/').EndsWith("/disagreements", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var next = DisagreementPageState.Parse(location.Query);
        if (next.Tag is null)
        {
            next = next with { Tag = _state.Tag };
        }

        if (next != _state)
        {
            _ = InvokeAsync(() => ApplyAsync(next));
        }
    }

    private void OnScoringChanged()
    {
        // Reload once a scoring run has finished: new scores change every count on the page.
        if (!Scoring.IsRunning && Scoring.LastCompletedUtc != _scoredAtUtc)
        {
            _scoredAtUtc = Scoring.LastCompletedUtc;
            _ = InvokeAsync(async () =>
            {
                await LoadAsync();
                StateHasChanged();
            });
        }
    }

    private void Toggle(long sourceId, ChangeEventArgs e)
    {
        if (e.Value is true)
        {
            _selected.Add(sourceId);
        }
        else
        {
            _selected.Remove(sourceId);
        }
    }

    private void ToggleAll(ChangeEventArgs e)
    {
        if (e.Value is true)
        {
            _selected.UnionWith(_rows.Select(r => r.SourceId));
        }
        else
        {
            _selected.Clear();
        }
    }

    private async Task SaveSelectionAsync()
    {
        _saving = true;
        try
        {
            var result = await Groups.SaveAsync(_groupName, _selected.ToArray(), $"DNN/XGB disagreements of {_state.Tag}");
            _saveFailed = false;
            _savedGroup = result.Group.Name;
            _saveMessage = string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"Saved to “{result.Group.Name}”: {result.Added:N0} added, {result.AlreadyMembers:N0} already there; the group holds {result.Group.MemberCount:N0} sources.");
        }
        catch (GroupSaveException ex)
        {
            _saveFailed = true;
            _saveMessage = ex.Message;
        }
        finally
        {
            _saving = false;
        }
    }

    private void OpenSource(string objId) => Nav.NavigateTo($"sources/{Uri.EscapeDataString(objId)}");

    public void Dispose()
    {
        Nav.LocationChanged -= OnLocationChanged;
        Scoring.Changed -= OnScoringChanged;
        _loadCts?.Cancel();
        _loadCts?.Dispose();
    }
}
