using System.Globalization;
using System.Text.Json;
using ScopeWeb.Core.Classifiers.Onnx;

namespace ScopeWeb.Core.Classifiers;

/// <summary>Where <see cref="ModelFolder.Install"/> put a model.</summary>
/// <param name="CardPath">Full path of the installed card.</param>
/// <param name="OnnxPath">Full path of its ONNX file.</param>
/// <param name="ReplacedOnnxPath">The ONNX file of the card it replaced, now deleted (null when nothing was replaced or the file is still in use).</param>
public sealed record ModelInstallation(string CardPath, string OnnxPath, string? ReplacedOnnxPath);

/// <summary>What <see cref="ModelFolder.Stamp"/> did with one card's ONNX file.</summary>
/// <param name="CardPath">The card.</param>
/// <param name="OnnxPath">Its ONNX file.</param>
/// <param name="Stamped">True when the metadata was added; false when the file already recorded it (and the card agrees).</param>
/// <param name="RowsCompared">Probe rows scored by both the original and the stamped file, with bit-identical results (0 when not stamped).</param>
public sealed record ModelStamping(string CardPath, string OnnxPath, bool Stamped, int RowsCompared);

/// <summary>
/// The rules of a model registry folder (docs/architecture.md, "Model registry"): a card's <c>onnx_file</c> is a file in
/// the card's own folder, and models are put in by <see cref="Install"/> only, so the registry never sees a card next to
/// a half-written or mismatched model.
/// </summary>
/// <remarks>
/// Install writes beside, checks, then swaps: the new ONNX file and card are written under temporary names
/// (<see cref="TemporarySuffix"/>, which the registry neither loads nor reloads for), the card is loaded against the
/// ONNX exactly as the registry will load it (input width, output, the ScopeWeb metadata), and only then are they renamed
/// into place: the ONNX file first, under a name no card refers to, then the card over its predecessor, in one rename.
/// At every moment a card names a complete ONNX file that was checked against it. A failed check deletes the temporary
/// files and leaves the previous model serving. Writers hold an exclusive lock on the folder and the registry a shared
/// one while it loads (<see cref="HoldLock"/>), so two processes promoting at once do not delete each other's new files,
/// and a reload never reads a card whose model a writer is about to delete.
/// </remarks>
public static class ModelFolder
{
    /// <summary>Suffix of files being written into a model folder; the registry ignores them.</summary>
    public const string TemporarySuffix = ".tmp";

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Whether a file name in a model folder is a writer's temporary file, which the registry skips.</summary>
    public static bool IsIgnored(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        return Path.GetFileName(fileName).EndsWith(TemporarySuffix, StringComparison.Ordinal);
    }

    /// <summary>
    /// Holds the folder's lock until disposed: exclusive for a writer, shared for a reader (the registry loading it). The
    /// lock is a file in the temporary folder named after the model folder's path, so the model folder itself holds only
    /// models; it is an advisory <c>flock</c>, which .NET takes for <see cref="FileShare.None"/> (exclusive) and for
    /// read-only opens (shared), across processes on one machine. Only writers create the file: a folder no writer has
    /// touched needs no lock to be read, and readers (every test's scratch registry) leave nothing behind.
    /// </summary>
    /// <exception cref="IOException">The lock was not free within a minute.</exception>
    public static IDisposable HoldLock(string directory, bool shared)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var resolved = new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(resolved)))[..24];
        var path = Path.Combine(Path.GetTempPath(), $"scopeweb-models-{hash}.lock");
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return shared
                    ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)
                    : new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (FileNotFoundException) when (shared)
            {
                return NoLock.Instance;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(25);
            }
            catch (IOException ex)
            {
                throw new IOException(string.Create(CultureInfo.InvariantCulture,
                    $"{directory}: another process has held the model folder's lock ({path}) for {LockTimeout.TotalSeconds:0} s; nothing was changed."), ex);
            }
        }
    }

    /// <summary>
    /// The full path of a card's ONNX file: <c>onnx_file</c> in the card's folder. Refused, naming the card, when it would
    /// leave the folder: a path with directories or <c>..</c> (also refused by <see cref="ModelCard.Validate"/>), or a
    /// symbolic link whose target is outside the folder.
    /// </summary>
    /// <exception cref="InvalidDataException">The ONNX file would be read from outside the card's folder.</exception>
    public static string OnnxPath(string cardPath, ModelCard card)
    {
        ArgumentException.ThrowIfNullOrEmpty(cardPath);
        ArgumentNullException.ThrowIfNull(card);
        var folder = Path.GetDirectoryName(Path.GetFullPath(cardPath)) ?? ".";
        if (!IsPlainFileName(card.OnnxFile))
        {
            throw new InvalidDataException($"{cardPath}: field 'onnx_file': {OnnxFileRule}, not '{card.OnnxFile}'.");
        }

        var onnxPath = Path.Combine(folder, card.OnnxFile);
        var info = new FileInfo(onnxPath);
        if (info.LinkTarget is not null)
        {
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            var targetFolder = target is null ? null : Path.GetDirectoryName(target.FullName);
            if (targetFolder is null || !string.Equals(targetFolder, folder, StringComparison.Ordinal))
            {
                throw new InvalidDataException(
                    $"{cardPath}: field 'onnx_file': {onnxPath} is a symbolic link to {target?.FullName ?? info.LinkTarget}, outside the card's folder "
                    + $"{folder}; copy the model into the folder instead.");
            }
        }

        return onnxPath;
    }

    /// <summary>How <c>onnx_file</c> must look, for messages.</summary>
    internal const string OnnxFileRule = "must be the name of a .onnx file in the card's folder (no directories, no '..', not absolute)";

    /// <summary>A file name without directories that ends in <c>.onnx</c>.</summary>
    internal static bool IsPlainFileName(string name) =>
        !string.IsNullOrWhiteSpace(name) && name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
        && name.IndexOfAny(['/', '\\', '\0']) < 0 && !Path.IsPathRooted(name);

    /// <summary>
    /// Puts a model into <paramref name="directory"/> as <paramref name="cardFileName"/> plus an ONNX file: writes beside,
    /// checks, swaps (see the remarks on <see cref="ModelFolder"/>).
    /// </summary>
    /// <param name="directory">The model folder (created when absent).</param>
    /// <param name="card">The card; its <c>onnx_file</c> is set to the name the ONNX file gets.</param>
    /// <param name="cardFileName">The card's file name, e.g. <c>vnv.xgb.json</c>.</param>
    /// <param name="onnxFileName">
    /// The ONNX file's name, e.g. <c>vnv.xgb.onnx</c>. When a card in the folder still refers to that name (the model being
    /// replaced), the new file is written as <c>&lt;stem&gt;.2.onnx</c> (3, …) instead, so the old card never names the new file.
    /// </param>
    /// <param name="writeOnnx">Writes the ONNX model, with its ScopeWeb metadata (<see cref="ModelIdentity.ToMetadata"/>), to the stream.</param>
    /// <param name="onnxSource">Names the new model in error messages (e.g. the file it came from).</param>
    /// <param name="replace">Replace a card of the same file name; without it an existing card is an error.</param>
    /// <exception cref="InvalidDataException">
    /// The card exists and <paramref name="replace"/> is false, or the check failed (the message names the card, the model
    /// and what is wrong); the folder is as it was.
    /// </exception>
    public static ModelInstallation Install(
        string directory, ModelCard card, string cardFileName, string onnxFileName, Action<Stream> writeOnnx, string onnxSource, bool replace)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(writeOnnx);
        if (!cardFileName.EndsWith(".json", StringComparison.Ordinal) || cardFileName.IndexOfAny(['/', '\\']) >= 0)
        {
            throw new ArgumentException($"A card file name is a plain *.json name, not '{cardFileName}'.", nameof(cardFileName));
        }

        if (!IsPlainFileName(onnxFileName))
        {
            throw new ArgumentException($"An ONNX file name {OnnxFileRule}, not '{onnxFileName}'.", nameof(onnxFileName));
        }

        directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(directory);
        var cardPath = Path.Combine(directory, cardFileName);
        using var folderLock = HoldLock(directory, shared: false);
        if (!replace && File.Exists(cardPath))
        {
            throw new InvalidDataException($"{cardPath} already exists.");
        }

        var previousOnnx = File.Exists(cardPath) ? ReferencedOnnxFile(cardPath) : null;
        var onnxName = FreeOnnxName(directory, onnxFileName);
        var onnxPath = Path.Combine(directory, onnxName);
        var nonce = Guid.NewGuid().ToString("N")[..12];
        var onnxTemporary = Path.Combine(directory, $"{onnxName}.{nonce}{TemporarySuffix}");
        var cardTemporary = Path.Combine(directory, $"{cardFileName}.{nonce}{TemporarySuffix}");
        var installed = card with { OnnxFile = onnxName };
        try
        {
            using (var stream = new FileStream(onnxTemporary, FileMode.CreateNew, FileAccess.Write))
            {
                writeOnnx(stream);
                stream.Flush(flushToDisk: true);
            }

            installed.Save(cardTemporary);
            Check(cardTemporary, cardPath, onnxTemporary, onnxSource);

            File.Move(onnxTemporary, onnxPath, overwrite: true);
            try
            {
                File.Move(cardTemporary, cardPath, overwrite: true);
            }
            catch
            {
                // The card did not move: the new ONNX file is unreferenced and goes; the previous card still names its own.
                File.Delete(onnxPath);
                throw;
            }
        }
        finally
        {
            DeleteQuietly(onnxTemporary);
            DeleteQuietly(cardTemporary);
        }

        string? replaced = null;
        if (previousOnnx is not null && !string.Equals(previousOnnx, onnxName, StringComparison.Ordinal)
            && IsPlainFileName(previousOnnx) && !ReferencedOnnxFiles(directory).Contains(previousOnnx))
        {
            replaced = Path.Combine(directory, previousOnnx);
            DeleteQuietly(replaced);
        }

        return new ModelInstallation(cardPath, onnxPath, replaced);
    }

    /// <summary>
    /// Records a card's identity (<see cref="ModelIdentity"/>) in its ONNX file when the file has none (made elsewhere or
    /// by an older ScopeWeb), trusting the card: for a card someone has checked, e.g. the shipped models. The stamped file
    /// is the original bytes plus the metadata entries (<see cref="OnnxMetadata"/>); before it replaces the original (one
    /// rename, same name, the card unchanged) both are loaded and must give bit-identical scores on
    /// <see cref="ProbeRows"/> random rows. A file that already records an identity is only checked against the card.
    /// </summary>
    /// <exception cref="InvalidDataException">The card is invalid or does not match its ONNX file, or the stamped file scores differently; nothing is changed.</exception>
    public static ModelStamping Stamp(string cardPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(cardPath);
        cardPath = Path.GetFullPath(cardPath);
        var directory = Path.GetDirectoryName(cardPath)!;
        using var folderLock = HoldLock(directory, shared: false);
        using var original = OnnxClassifier.Load(cardPath);
        var onnxPath = OnnxPath(cardPath, original.Card);
        if (original.IsVerified)
        {
            return new ModelStamping(cardPath, onnxPath, Stamped: false, RowsCompared: 0);
        }

        var temporary = $"{onnxPath}.{Guid.NewGuid().ToString("N")[..12]}{TemporarySuffix}";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                OnnxMetadata.CopyWithEntries(onnxPath, stream, ModelIdentity.Of(original.Card).ToMetadata());
                stream.Flush(flushToDisk: true);
            }

            using (var stamped = OnnxClassifier.CreateNamed(original.Card, temporary, cardPath, onnxPath + " (stamped)"))
            {
                if (!stamped.IsVerified)
                {
                    throw new InvalidDataException($"{onnxPath}: the stamped copy does not read back as stamped; nothing was changed.");
                }

                if (FirstDifferentScore(original, stamped, ProbeRows, seed: 20261207) is { } row)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"{onnxPath}: the stamped copy scores probe row {row} differently from the original; nothing was changed."));
                }
            }

            File.Move(temporary, onnxPath, overwrite: true);
            return new ModelStamping(cardPath, onnxPath, Stamped: true, ProbeRows);
        }
        finally
        {
            DeleteQuietly(temporary);
        }
    }

    /// <summary>Random rows <see cref="Stamp"/> scores with the original and the stamped model.</summary>
    public const int ProbeRows = 256;

    /// <summary>
    /// Scores the same random prepared rows (features in [−3, 3], dmdt cells in [0, 1]) with two classifiers of one card;
    /// the first row whose outputs differ in any bit, or null when none does.
    /// </summary>
    public static int? FirstDifferentScore(OnnxClassifier a, OnnxClassifier b, int rows, int seed)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var random = new Random(seed);
        var features = new float[rows * a.FeatureCount];
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = (float)((random.NextDouble() * 6) - 3);
        }

        var dmdt = a.UsesDmdt ? new float[rows * OnnxClassifier.DmdtLength] : [];
        for (var i = 0; i < dmdt.Length; i++)
        {
            dmdt[i] = (float)random.NextDouble();
        }

        var width = a.IsHierarchical ? a.Classes.Count : 1;
        var first = new float[rows * width];
        var second = new float[rows * width];
        foreach (var (classifier, output) in new[] { (a, first), (b, second) })
        {
            if (classifier.IsHierarchical)
            {
                classifier.ScoreClassesPrepared(features, output);
            }
            else
            {
                classifier.ScorePrepared(features, dmdt, output);
            }
        }

        for (var i = 0; i < first.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(first[i]) != BitConverter.SingleToInt32Bits(second[i]))
            {
                return i / width;
            }
        }

        return null;
    }

    /// <summary>
    /// Deletes <paramref name="onnxFileNames"/> from the folder when no card refers to them any more (e.g. the models of
    /// cards a promotion superseded). Holds the writers' lock.
    /// </summary>
    public static void DeleteUnreferenced(string directory, IEnumerable<string> onnxFileNames)
    {
        ArgumentNullException.ThrowIfNull(onnxFileNames);
        directory = Path.GetFullPath(directory);
        using var folderLock = HoldLock(directory, shared: false);
        var referenced = ReferencedOnnxFiles(directory);
        foreach (var name in onnxFileNames.Select(Path.GetFileName).Distinct(StringComparer.Ordinal))
        {
            if (name is not null && IsPlainFileName(name) && !referenced.Contains(name))
            {
                DeleteQuietly(Path.Combine(directory, name));
            }
        }
    }

    /// <summary>The <c>onnx_file</c> of every card in the folder (read leniently: a card that does not parse names none).</summary>
    public static HashSet<string> ReferencedOnnxFiles(string directory)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var card in Directory.GetFiles(directory, "*.json", SearchOption.TopDirectoryOnly))
        {
            if (!IsIgnored(card) && ReferencedOnnxFile(card) is { } name)
            {
                names.Add(name);
            }
        }

        return names;
    }

    /// <summary>A card file's <c>onnx_file</c>, or null when the file is not readable JSON with one.</summary>
    internal static string? ReferencedOnnxFile(string cardPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(cardPath));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("onnx_file", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Loads the written card against the written ONNX file as the registry will, with messages naming the final card and the source model.</summary>
    private static void Check(string cardTemporary, string cardPath, string onnxTemporary, string onnxSource)
    {
        var written = ModelCard.Parse(File.ReadAllText(cardTemporary), cardPath);
        using var classifier = OnnxClassifier.CreateNamed(written, onnxTemporary, cardPath, onnxSource);
        if (!classifier.IsVerified)
        {
            // Everything ScopeWeb puts into a registry records what it was made for; a writer that forgot is a bug.
            throw new InvalidDataException(
                $"{cardPath}: {onnxSource} was to be installed without ScopeWeb metadata ({ModelIdentity.TagKey}, {ModelIdentity.FeaturesKey}); nothing was changed.");
        }
    }

    /// <summary><paramref name="preferred"/> unless a card refers to it, else the first free <c>&lt;stem&gt;.N.onnx</c>.</summary>
    private static string FreeOnnxName(string directory, string preferred)
    {
        var referenced = ReferencedOnnxFiles(directory);
        if (!referenced.Contains(preferred))
        {
            return preferred;
        }

        var stem = preferred[..^".onnx".Length];
        for (var n = 2; ; n++)
        {
            var candidate = string.Create(CultureInfo.InvariantCulture, $"{stem}.{n}.onnx");
            if (!referenced.Contains(candidate) && !File.Exists(Path.Combine(directory, candidate)))
            {
                return candidate;
            }
        }
    }

    /// <summary>The shared lock of a folder no writer has locked yet.</summary>
    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();

        public void Dispose()
        {
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is ignored by the registry; a leftover old model is unreferenced.
        }
    }
}
