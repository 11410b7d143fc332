using System.ComponentModel.DataAnnotations;

namespace ScopeWeb.Training;

/// <summary>Section <c>Training</c>: where runs write their models and uploaded data sets.</summary>
public sealed class TrainingOptions
{
    public const string SectionName = "Training";

    /// <summary>Run the training worker in the web app.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Folder for trained models (not the registry: a model is served only once promoted).</summary>
    [Required]
    public string OutputDirectory { get; set; } = "models/trained";

    /// <summary>Folder for CSV data sets uploaded on the training page.</summary>
    [Required]
    public string DatasetsDirectory { get; set; } = "data/datasets";

    /// <summary>CPU threads per run; 0 = all cores.</summary>
    [Range(0, 256)]
    public int Threads { get; set; }
}
