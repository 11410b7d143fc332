using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScopeWeb.Core.Catalog;
using ScopeWeb.Core.FeatureExtraction;
using ScopeWeb.Core.FeatureExtraction.Dmdt;

namespace ScopeWeb.Training.Data;

/// <summary>
/// The catalog as a SCoPe training table: every source with features and a known class (the simulator's truth or an
/// imported label), its features, SCoPe label columns derived from the class (<see cref="LabelsFor"/>), the class
/// itself (<c>class_name</c>, for one-vs-rest) and its dmdt image.
/// </summary>
public static class CatalogTrainingSet
{
    public const string SourceIdColumn = "source_id";
    public const string ClassColumn = "class_name";

    /// <summary>SCoPe label columns (docs/science.md "Tags and feature sets") implied by each simulated class, as the taxonomy nests them.</summary>
    private static readonly Dictionary<string, string[]> Labels = new(StringComparer.Ordinal)
    {
        ["RRab"] = ["variable", "periodic", "pulsator", "RR Lyrae", "RR Lyrae ab"],
        ["RRc"] = ["variable", "periodic", "pulsator", "RR Lyrae", "RR Lyrae c", "sinusoidal"],
        ["DSCT"] = ["variable", "periodic", "pulsator", "Delta Scu"],
        ["Cepheid"] = ["variable", "periodic", "pulsator", "Cepheid"],
        ["EW"] = ["variable", "periodic", "eclipsing", "binary star", "EW", "W UMa"],
        ["EA"] = ["variable", "periodic", "eclipsing", "binary star", "EA", "detached eclipsing MS-MS"],
        ["EB"] = ["variable", "periodic", "eclipsing", "binary star", "EB", "Beta Lyr"],
        ["Mira"] = ["variable", "periodic", "pulsator", "long timescale", "LPV", "Mira"],
        ["SRV"] = ["variable", "pulsator", "long timescale", "LPV", "SRV"],
        ["AGN"] = ["variable", "irregular", "long timescale", "AGN"],
        ["YSO"] = ["variable", "irregular", "YSO"],
        ["YSO-dipper"] = ["variable", "irregular", "dipping", "YSO"],
        ["Flaring"] = ["variable", "flaring"],
        ["Constant"] = ["non-variable"],
        ["SNIa"] = ["variable"],
    };

    /// <summary>Every label column the catalog table carries, in a stable order.</summary>
    public static IReadOnlyList<string> LabelColumns { get; } =
        [.. Labels.Values.SelectMany(l => l).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The label columns that are 1 for a source of <paramref name="knownClass"/> (others are 0).</summary>
    public static IReadOnlyList<string> LabelsFor(string knownClass) => Labels.TryGetValue(knownClass, out var l) ? l : [];

    /// <summary>Reads the labelled catalog into a training table; its data hash covers exactly the rows and columns read.</summary>
    public static async Task<TrainingTable> LoadAsync(IDbContextFactory<CatalogDb> dbFactory, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dbFactory);
        await using var db = await dbFactory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var rows = await db.Sources.AsNoTracking()
            .Where(s => s.KnownClass != null && s.Features != null && s.Features.ValuesJson != "{}")
            .OrderBy(s => s.Id)
            .Select(s => new { s.Id, s.ObjId, s.RaDeg, s.DecDeg, s.KnownClass, s.Features!.ValuesJson, s.Features.Dmdt })
            .ToListAsync(ct).ConfigureAwait(false);

        if (rows.Count == 0)
        {
            throw new InvalidDataException(
                "The catalog has no sources with both computed features and a known class yet: wait for the feature job (its progress shows on /sources) or import labelled light curves.");
        }

        string[] names = ["obj_id", SourceIdColumn, "ra", "dec", ClassColumn, .. FeatureSet.FeatureNames, .. LabelColumns, TrainingTable.DmdtColumn];
        var columns = names.ToDictionary(n => n, _ => new string[rows.Count], StringComparer.Ordinal);
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            columns["obj_id"][r] = row.ObjId;
            columns[SourceIdColumn][r] = row.Id.ToString(CultureInfo.InvariantCulture);
            columns["ra"][r] = Number(row.RaDeg);
            columns["dec"][r] = Number(row.DecDeg);
            columns[ClassColumn][r] = row.KnownClass!;
            var values = JsonSerializer.Deserialize<Dictionary<string, double?>>(row.ValuesJson) ?? [];
            foreach (var feature in FeatureSet.FeatureNames)
            {
                columns[feature][r] = values.TryGetValue(feature, out var v) ? Number(v) : "";
            }

            var labels = LabelsFor(row.KnownClass!);
            foreach (var label in LabelColumns)
            {
                columns[label][r] = labels.Contains(label, StringComparer.Ordinal) ? "1" : "0";
            }

            columns[TrainingTable.DmdtColumn][r] = row.Dmdt is { Length: TrainingSplit.DmdtLength * sizeof(float) } image
                ? DmdtHistogram.ToJson(MemoryMarshal.Cast<byte, float>(image))
                : "";
        }

        var table = new TrainingTable("catalog", names, columns, "");
        using var sha = SHA256.Create();
        using var hashing = new CryptoStream(Stream.Null, sha, CryptoStreamMode.Write);
        using (var writer = new StreamWriter(hashing, new UTF8Encoding(false), leaveOpen: true))
        {
            table.WriteCsv(writer);
        }

        hashing.FlushFinalBlock();
        return new TrainingTable("catalog", names, columns, "sha256:" + Convert.ToHexStringLower(sha.Hash!));
    }

    private static string Number(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
