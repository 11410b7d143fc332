namespace ScopeWeb.Training.Data;

/// <summary>A SCoPe classifier tag: its label column in the training set and its default feature set.</summary>
public sealed record ScopeTag(string Tag, string LabelColumn, string FeatureSet, params string[] LabelAliases);

/// <summary>
/// SCoPe's classifier tags (config <c>training.classes</c> at HEAD, docs/science.md "Tags and feature sets") and feature sets, so that
/// <c>scope train --tag=ew</c> finds the label column and features as <c>./scope.py train</c> does.
/// </summary>
public static class ScopeTags
{
    public const string Phenomenological = "phenomenological";
    public const string Ontological = "ontological";

    /// <summary>The features ScopeWeb's own catalog computes (the phenomenological set plus period and significance).</summary>
    public const string Catalog = "catalog";

    public static IReadOnlyList<ScopeTag> All { get; } =
    [
        new("vnv", "variable", Phenomenological), new("pnp", "periodic", Phenomenological), new("sin", "sinusoidal", Phenomenological),
        new("el", "ellipsoidal", Phenomenological), new("saw", "sawtooth", Phenomenological), new("mp", "multi periodic", Phenomenological),
        new("longt", "long timescale", Phenomenological), new("e", "eclipsing", Phenomenological), new("ea", "EA", Phenomenological),
        new("eb", "EB", Phenomenological), new("ew", "EW", Phenomenological), new("wp", "wrong period", Phenomenological),
        new("hp", "half period", Phenomenological), new("dp", "double period", Phenomenological), new("i", "irregular", Phenomenological),
        new("fla", "flaring", Phenomenological), new("dip", "dipping", Phenomenological), new("bogus", "bogus", Phenomenological),
        new("ext", "extended", Phenomenological), new("blend", "blend", Phenomenological), new("bright", "bright star", Phenomenological),
        new("artfct", "ccd artifact", Phenomenological),
        new("agn", "AGN", Ontological), new("bis", "binary star", Ontological), new("blher", "BL Her", Ontological),
        new("blyr", "Beta Lyr", Ontological), new("cbin", "compact binary", Ontological), new("ceph", "Cepheid", Ontological),
        new("ceph2", "Cepheid type-II", Ontological), new("cv", "CV", Ontological), new("dscu", "Delta Scu", Ontological),
        new("emsms", "detached eclipsing MS-MS", Ontological), new("f", "F", Ontological),
        new("hwvir", "eclipsing sdB+dM (HW Vir)", Ontological), new("lpv", "LPV", Ontological), new("mir", "Mira", Ontological),
        new("nnser", "eclipsing WD+dM (NN Ser)", Ontological), new("o", "O", Ontological), new("osarg", "OSARG", Ontological),
        new("puls", "pulsator", Ontological), new("rdbkp", "Redback pulsar", Ontological), new("rrlyr", "RR Lyrae", Ontological),
        new("rrab", "RR Lyrae ab", Ontological), new("rrc", "RR Lyrae c", Ontological), new("rrd", "RR Lyrae d", Ontological),
        new("rrblz", "RR Lyrae Blazhko", Ontological), new("rscvn", "RS CVn", Ontological), new("rvtau", "RV Tau", Ontological),
        new("srv", "SRV", Ontological), new("wuma", "W UMa", Ontological, "W Uma"), new("wvir", "W Virginis", Ontological),
        new("yso", "YSO", Ontological),
    ];

    /// <summary>SCoPe's HEAD phenomenological features (35; periodic ones carry <c>_ELS_ECE_EAOV</c> in SCoPe's own tables).</summary>
    public static IReadOnlyList<string> PhenomenologicalFeatures { get; } =
    [
        "ad", "chi2red", "f1_BIC", "f1_a", "f1_amp", "f1_b", "f1_phi0", "f1_power", "f1_relamp1", "f1_relamp2", "f1_relamp3",
        "f1_relamp4", "f1_relphi1", "f1_relphi2", "f1_relphi3", "f1_relphi4", "i60r", "i70r", "i80r", "i90r", "inv_vonneumannratio",
        "iqr", "median", "median_abs_dev", "norm_excess_var", "norm_peak_to_peak_amp", "roms", "skew", "smallkurt", "stetson_j",
        "stetson_k", "sw", "welch_i", "wmean", "wstd",
    ];

    /// <summary>SCoPe's HEAD ontological features (61): phenomenological plus alert, period and cross-match columns.</summary>
    public static IReadOnlyList<string> OntologicalFeatures { get; } =
    [
        .. PhenomenologicalFeatures, "mean_ztf_alert_braai", "n_ztf_alerts", "period", "significance",
        "AllWISE__w1mpro", "AllWISE__w1sigmpro", "AllWISE__w2mpro", "AllWISE__w2sigmpro", "AllWISE__w3mpro", "AllWISE__w4mpro",
        "Gaia_EDR3__parallax", "Gaia_EDR3__parallax_error", "Gaia_EDR3__phot_bp_mean_mag", "Gaia_EDR3__phot_bp_rp_excess_factor",
        "Gaia_EDR3__phot_g_mean_mag", "Gaia_EDR3__phot_rp_mean_mag", "PS1_DR1__gMeanPSFMag", "PS1_DR1__gMeanPSFMagErr",
        "PS1_DR1__iMeanPSFMag", "PS1_DR1__iMeanPSFMagErr", "PS1_DR1__rMeanPSFMag", "PS1_DR1__rMeanPSFMagErr", "PS1_DR1__yMeanPSFMag",
        "PS1_DR1__yMeanPSFMagErr", "PS1_DR1__zMeanPSFMag", "PS1_DR1__zMeanPSFMagErr",
    ];

    public static IReadOnlyList<string> CatalogFeatures { get; } = [.. PhenomenologicalFeatures, "period", "significance"];

    /// <summary>SCoPe's suffix for features computed at the chosen period.</summary>
    public const string PeriodSuffix = "_ELS_ECE_EAOV";

    public static ScopeTag? Find(string tag) => All.FirstOrDefault(t => string.Equals(t.Tag, tag, StringComparison.OrdinalIgnoreCase));

    /// <summary>The feature names of a set name (phenomenological, ontological, catalog), or null when unknown.</summary>
    public static IReadOnlyList<string>? FeatureSet(string name) => name.ToLowerInvariant() switch
    {
        Phenomenological => PhenomenologicalFeatures,
        Ontological => OntologicalFeatures,
        Catalog => CatalogFeatures,
        _ => null,
    };

    /// <summary>
    /// The table's column for a feature: the name itself, else with SCoPe's period suffix (its tables name the
    /// periodic features <c>f1_power_ELS_ECE_EAOV</c>, …), else null.
    /// </summary>
    public static string? Column(TrainingTable table, string feature)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.HasColumn(feature) ? feature : table.HasColumn(feature + PeriodSuffix) ? feature + PeriodSuffix : null;
    }
}
