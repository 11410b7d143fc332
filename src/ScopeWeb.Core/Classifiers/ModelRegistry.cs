using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ScopeWeb.Core.Classifiers;

/// <summary>One classifier of a <see cref="ModelSet"/>: its card file, the card and the open ONNX session.</summary>
/// <param name="CardPath">Full path of the card file.</param>
/// <param name="Card">The card.</param>
/// <param name="Classifier">The scorer; owned by the registry, do not dispose.</param>
public sealed record LoadedModel(string CardPath, ModelCard Card, OnnxClassifier Classifier)
{
    /// <summary>SCoPe's score column name, <c>&lt;tag&gt;_&lt;algorithm&gt;</c> (e.g. <c>vnv_xgb</c>).</summary>
    public string ScoreColumn => ModelRegistry.ScoreColumn(Card);
}

/// <summary>A card file that could not be loaded, and why.</summary>
/// <param name="File">Full path of the card file (or of the folder, when the folder itself is the problem).</param>
/// <param name="Message">What is wrong.</param>
public sealed record ModelLoadError(string File, string Message);

/// <summary>A card that loaded and serves, with something its user should know (e.g. an ONNX file without ScopeWeb metadata).</summary>
/// <param name="File">Full path of the card file.</param>
/// <param name="Message">What could not be checked, and what to do about it.</param>
public sealed record ModelLoadWarning(string File, string Message);

/// <summary>
/// An immutable snapshot of the registry: the models that loaded and the per-file errors. Its ONNX sessions are
/// disposed once the registry has replaced it and every <see cref="ModelSetLease"/> on it has been released.
/// </summary>
public sealed class ModelSet
{
    // One reference belongs to the registry while the set is current; each lease adds one.
    private int _references = 1;

    internal ModelSet(IReadOnlyList<LoadedModel> models, IReadOnlyList<ModelLoadError> errors, IReadOnlyList<ModelLoadWarning>? warnings = null)
    {
        Models = models;
        Errors = errors;
        Warnings = warnings ?? [];
    }

    /// <summary>Loaded models, ordered by score column.</summary>
    public IReadOnlyList<LoadedModel> Models { get; }

    /// <summary>Card files that failed to load, ordered by file name.</summary>
    public IReadOnlyList<ModelLoadError> Errors { get; }

    /// <summary>
    /// Loaded models that could only be partly checked (their ONNX file records no ScopeWeb metadata), ordered by file name.
    /// They serve; the warning says what was not checked.
    /// </summary>
    public IReadOnlyList<ModelLoadWarning> Warnings { get; }

    internal bool TryAddReference()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    internal void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            foreach (var model in Models)
            {
                model.Classifier.Dispose();
            }
        }
    }
}

/// <summary>Keeps a <see cref="ModelSet"/>'s sessions open while it is used for scoring, even across a reload.</summary>
public sealed class ModelSetLease : IDisposable
{
    private ModelSet? _set;

    internal ModelSetLease(ModelSet set) => _set = set;

    /// <summary>The leased snapshot.</summary>
    public ModelSet Set => _set ?? throw new ObjectDisposedException(nameof(ModelSetLease));

    /// <inheritdoc />
    public void Dispose() => Interlocked.Exchange(ref _set, null)?.Release();
}

/// <summary>Section <c>Models</c>: where the model cards live.</summary>
public sealed class ModelRegistryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Models";

    /// <summary>Folder of model cards (<c>*.json</c>) and their ONNX files. Relative paths are against the working directory.</summary>
    [Required]
    public string Directory { get; set; } = "models";

    /// <summary>Reload when files in the folder change.</summary>
    public bool Watch { get; set; } = true;

    /// <summary>Quiet time after the last file change before reloading, so a copy in progress is read once, complete.</summary>
    [Range(0, 60_000)]
    public int ReloadDebounceMilliseconds { get; set; } = 300;

    /// <summary>
    /// How often the folder's listing (names, sizes, modification times) is compared with the one last loaded, and
    /// reloaded when it differs; 0 = never. The watch does not see changes made by another container or on a network
    /// filesystem, so instances sharing a registry folder follow each other's promotions through this
    /// (docs/architecture.md, "Several instances").
    /// </summary>
    [Range(0, 86_400)]
    public int RescanSeconds { get; set; } = 15;
}

/// <summary>
/// The classifiers in a folder: one <see cref="OnnxClassifier"/> per model card (<c>*.json</c>, whose <c>onnx_file</c>
/// is a file in the same folder). A bad card, or one that does not match the ONNX file it names, is reported in
/// <see cref="ModelSet.Errors"/> and does not stop the others; a model whose ONNX file records no ScopeWeb metadata
/// serves with a <see cref="ModelSet.Warnings"/> entry. With watching on, changes in the folder reload the set after a
/// short debounce (writers' temporary files, <see cref="ModelFolder.IsIgnored"/>, are neither loaded nor reloaded for);
/// readers always see a complete snapshot (<see cref="Current"/>), and the old sessions are disposed once no lease holds them.
/// </summary>
public sealed partial class ModelRegistry : IDisposable
{
    private readonly object _reloadGate = new();
    private readonly ILogger _logger;
    private readonly TimeSpan _debounce;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer? _debounceTimer;
    private readonly Timer? _rescanTimer;
    private ModelSet _current = new([], []);
    private string? _loadedListing;
    private long _reloads;
    private int _rescanning;
    private bool _disposed;

    /// <summary>
    /// Loads every card in <paramref name="directory"/> (created when absent) and, with <paramref name="watch"/>, follows
    /// changes; with <paramref name="rescan"/>, also compares the folder's listing that often and reloads when it changed.
    /// </summary>
    public ModelRegistry(string directory, bool watch = true, TimeSpan? debounce = null, ILogger<ModelRegistry>? logger = null, TimeSpan? rescan = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _debounce = debounce ?? TimeSpan.FromMilliseconds(300);
        if (watch)
        {
            System.IO.Directory.CreateDirectory(Directory);
        }

        Reload();
        if (watch)
        {
            _debounceTimer = new Timer(_ => ReloadAfterChange(), null, Timeout.Infinite, Timeout.Infinite);
            _watcher = new FileSystemWatcher(Directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            _watcher.Created += OnFolderChanged;
            _watcher.Changed += OnFolderChanged;
            _watcher.Deleted += OnFolderChanged;
            _watcher.Renamed += OnFolderChanged;
            _watcher.Error += OnWatcherError;
            _watcher.EnableRaisingEvents = true;
        }

        if (rescan is { } every && every > TimeSpan.Zero)
        {
            _rescanTimer = new Timer(_ => RescanIfChanged(), null, every, every);
        }
    }

    /// <summary>Full path of the model folder.</summary>
    public string Directory { get; }

    /// <summary>
    /// The current snapshot. Fine for listing cards; to score, take <see cref="Acquire"/> so a reload cannot dispose
    /// the sessions mid-call.
    /// </summary>
    public ModelSet Current => Volatile.Read(ref _current);

    /// <summary>The loaded models of the current snapshot.</summary>
    public IReadOnlyList<LoadedModel> Models => Current.Models;

    /// <summary>The load errors of the current snapshot.</summary>
    public IReadOnlyList<ModelLoadError> Errors => Current.Errors;

    /// <summary>The load warnings of the current snapshot.</summary>
    public IReadOnlyList<ModelLoadWarning> Warnings => Current.Warnings;

    /// <summary>How many times the folder has been loaded (the first load included).</summary>
    public long Reloads => Interlocked.Read(ref _reloads);

    /// <summary>Raised after every reload with the new snapshot (on the reloading thread).</summary>
    public event EventHandler<ModelSet>? Changed;

    /// <summary>SCoPe's score column for a card: <c>&lt;tag&gt;_&lt;algorithm&gt;</c>, e.g. <c>vnv_xgb</c>.</summary>
    public static string ScoreColumn(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return card.Tag + "_" + AlgorithmName(card.Algorithm);
    }

    /// <summary>The algorithm as SCoPe and the card JSON spell it (<c>dnn</c>, <c>xgb</c>, <c>hierarchical</c>).</summary>
    public static string AlgorithmName(ModelAlgorithm algorithm) => algorithm switch
    {
        ModelAlgorithm.Dnn => "dnn",
        ModelAlgorithm.Xgb => "xgb",
        ModelAlgorithm.Hierarchical => "hierarchical",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown algorithm"),
    };

    /// <summary>The current snapshot with its sessions held open until the lease is disposed.</summary>
    public ModelSetLease Acquire()
    {
        while (true)
        {
            var set = Current;
            if (set.TryAddReference())
            {
                return new ModelSetLease(set);
            }
            // The set was retired between the read and the add-ref; the next read sees its successor.
        }
    }

    /// <summary>Reads the folder again, swaps in the new snapshot, raises <see cref="Changed"/> and retires the old one.</summary>
    public ModelSet Reload()
    {
        ModelSet next;
        lock (_reloadGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Listed before loading: a change made while loading makes the next rescan differ and load again.
            _loadedListing = Listing();
            next = LoadFolder();
            Interlocked.Increment(ref _reloads);
            var previous = Interlocked.Exchange(ref _current, next);
            previous.Release();
        }

        LogReloaded(_logger, Directory, next.Models.Count, next.Errors.Count);
        foreach (var error in next.Errors)
        {
            LogLoadError(_logger, error.File, error.Message);
        }

        foreach (var warning in next.Warnings)
        {
            LogLoadWarning(_logger, warning.File, warning.Message);
        }

        Changed?.Invoke(this, next);
        return next;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_reloadGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _watcher?.Dispose();
        _debounceTimer?.Dispose();
        _rescanTimer?.Dispose();
        Interlocked.Exchange(ref _current, new ModelSet([], [])).Release();
    }

    private ModelSet LoadFolder()
    {
        var models = new List<LoadedModel>();
        var errors = new List<ModelLoadError>();
        var warnings = new List<ModelLoadWarning>();
        if (!System.IO.Directory.Exists(Directory))
        {
            errors.Add(new ModelLoadError(Directory, "the model folder does not exist."));
            return new ModelSet(models, errors);
        }

        // Shared with other readers, exclusive of writers (ModelFolder.Install): a card read here still names its model
        // when the model is opened a moment later.
        IDisposable? folderLock = null;
        try
        {
            folderLock = ModelFolder.HoldLock(Directory, shared: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogLockUnavailable(_logger, Directory, ex);
        }

        using var heldLock = folderLock;
        var cards = System.IO.Directory.GetFiles(Directory, "*.json", SearchOption.TopDirectoryOnly);
        Array.Sort(cards, StringComparer.Ordinal);
        var byColumn = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var cardPath in cards)
        {
            if (ModelFolder.IsIgnored(cardPath))
            {
                continue;
            }

            OnnxClassifier classifier;
            try
            {
                classifier = OnnxClassifier.Load(cardPath);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                errors.Add(new ModelLoadError(cardPath, ex.Message));
                continue;
            }

            var column = ScoreColumn(classifier.Card);
            if (byColumn.TryGetValue(column, out var first))
            {
                // Two cards for one score column would make predictions ambiguous; the first (by file name) wins.
                classifier.Dispose();
                errors.Add(new ModelLoadError(cardPath, string.Create(
                    CultureInfo.InvariantCulture,
                    $"tag '{classifier.Card.Tag}' with algorithm {AlgorithmName(classifier.Card.Algorithm)} is already loaded from {Path.GetFileName(first)}.")));
                continue;
            }

            byColumn.Add(column, cardPath);
            models.Add(new LoadedModel(cardPath, classifier.Card, classifier));
            if (classifier.Notice is { } notice)
            {
                warnings.Add(new ModelLoadWarning(cardPath, notice));
            }
        }

        models.Sort((a, b) => string.CompareOrdinal(a.ScoreColumn, b.ScoreColumn));
        return new ModelSet(models, errors, warnings);
    }

    private void OnFolderChanged(object sender, FileSystemEventArgs e)
    {
        // A writer's temporary files change nothing the registry loads; the rename that puts one in place does.
        var ignored = e is RenamedEventArgs renamed
            ? ModelFolder.IsIgnored(renamed.Name ?? "") && ModelFolder.IsIgnored(renamed.OldName ?? "")
            : ModelFolder.IsIgnored(e.Name ?? "");
        if (!ignored)
        {
            ScheduleReload();
        }
    }

    private void OnWatcherError(object sender, ErrorEventArgs e)
    {
        // A buffer overflow loses events; a full reload is always correct.
        LogWatcherError(_logger, Directory, e.GetException());
        ScheduleReload();
    }

    private void ScheduleReload()
    {
        try
        {
            _debounceTimer?.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed while an event was in flight: nothing to reload.
        }
    }

    /// <summary>
    /// What the registry loads from, as one string: every file's name, size and modification time (writers' temporary
    /// files left out). A promotion renames a new ONNX file and card in, so it always changes the listing.
    /// </summary>
    private string Listing()
    {
        var folder = new DirectoryInfo(Directory);
        if (!folder.Exists)
        {
            return "";
        }

        var entries = new List<string>();
        foreach (var file in folder.EnumerateFiles("*", SearchOption.TopDirectoryOnly))
        {
            if (!ModelFolder.IsIgnored(file.Name))
            {
                entries.Add(string.Create(CultureInfo.InvariantCulture, $"{file.Name}\0{file.Length}\0{file.LastWriteTimeUtc.Ticks}"));
            }
        }

        entries.Sort(StringComparer.Ordinal);
        return string.Join('\n', entries);
    }

    private void RescanIfChanged()
    {
        // A slow reload (a network filesystem) must not have the next tick start another one beside it.
        if (Interlocked.Exchange(ref _rescanning, 1) == 1)
        {
            return;
        }

        try
        {
            string listing;
            lock (_reloadGate)
            {
                if (_disposed)
                {
                    return;
                }

                listing = Listing();
                if (string.Equals(listing, _loadedListing, StringComparison.Ordinal))
                {
                    return;
                }
            }

            LogRescanChanged(_logger, Directory);
            Reload();
        }
        catch (ObjectDisposedException)
        {
            // Disposed while the timer fired.
        }
        catch (Exception ex)
        {
            // A timer thread must not throw (it would end the process); the current models keep serving, the next tick retries.
            LogReloadFailed(_logger, Directory, ex);
        }
        finally
        {
            Volatile.Write(ref _rescanning, 0);
        }
    }

    private void ReloadAfterChange()
    {
        try
        {
            Reload();
        }
        catch (ObjectDisposedException)
        {
            // The registry was disposed while the debounce timer fired.
        }
        catch (Exception ex)
        {
            // On a timer thread an escaping exception (a folder error, a throwing Changed handler) would end the process;
            // the current snapshot stays in place and the next change retries.
            LogReloadFailed(_logger, Directory, ex);
        }
    }

    [LoggerMessage(LogLevel.Information, "Model folder {Directory}: {Count} models loaded, {Errors} cards failed")]
    private static partial void LogReloaded(ILogger logger, string directory, int count, int errors);

    [LoggerMessage(LogLevel.Warning, "Model card {File} not loaded: {Message}")]
    private static partial void LogLoadError(ILogger logger, string file, string message);

    [LoggerMessage(LogLevel.Warning, "Model card {File} loaded, partly checked: {Message}")]
    private static partial void LogLoadWarning(ILogger logger, string file, string message);

    [LoggerMessage(LogLevel.Warning, "Model folder {Directory}: loading without its lock")]
    private static partial void LogLockUnavailable(ILogger logger, string directory, Exception ex);

    [LoggerMessage(LogLevel.Error, "Reloading model folder {Directory} failed; keeping the current models")]
    private static partial void LogReloadFailed(ILogger logger, string directory, Exception ex);

    [LoggerMessage(LogLevel.Information, "Model folder {Directory} changed (seen by the periodic rescan); reloading")]
    private static partial void LogRescanChanged(ILogger logger, string directory);

    [LoggerMessage(LogLevel.Warning, "Watching model folder {Directory} failed; reloading")]
    private static partial void LogWatcherError(ILogger logger, string directory, Exception ex);
}
