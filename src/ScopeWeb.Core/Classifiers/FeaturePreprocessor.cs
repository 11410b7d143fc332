using System.Globalization;

namespace ScopeWeb.Core.Classifiers;

/// <summary>
/// Turns raw feature values into model input exactly as the model card says: card order, then imputation of missing
/// values (NaN or ±∞), then scaling. This is SCoPe's order (impute, scale, cast to float32). With imputation none a
/// missing value stays NaN, which tree ensembles route by their default direction.
/// </summary>
public sealed class FeaturePreprocessor
{
    private readonly string[] _names;
    private readonly double[] _fill;
    private readonly double[] _offset;
    private readonly double[] _divisor;

    /// <summary>Prepares the per-feature fill values and scaling constants of <paramref name="card"/>.</summary>
    public FeaturePreprocessor(ModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        _names = [.. card.FeatureNames];
        _fill = new double[_names.Length];
        _offset = new double[_names.Length];
        _divisor = new double[_names.Length];
        for (var i = 0; i < _names.Length; i++)
        {
            var name = _names[i];
            _fill[i] = card.Imputation.TryGetValue(name, out var imputation) ? imputation.FillValue : double.NaN;
            (_offset[i], _divisor[i]) = (0.0, 1.0);
            if (!card.Scaling.Stats.TryGetValue(name, out var stats) || stats.Std == 0.0)
            {
                // SCoPe leaves features without stats, or with zero spread, unscaled.
                continue;
            }

            switch (card.Scaling.Method)
            {
                case ScalingMethod.MinMax when stats is { Min: { } min, Max: { } max } && max > min:
                    (_offset[i], _divisor[i]) = (min, max - min);
                    break;
                case ScalingMethod.MedianStd when stats is { Median: { } median, Std: { } std } && std > 0:
                    (_offset[i], _divisor[i]) = (median, std);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Feature names in model input order.</summary>
    public IReadOnlyList<string> FeatureNames => _names;

    /// <summary>Number of model inputs per row.</summary>
    public int FeatureCount => _names.Length;

    /// <summary>Imputes and scales one row given in card order.</summary>
    public void Prepare(ReadOnlySpan<double> rawInCardOrder, Span<float> destination)
    {
        if (rawInCardOrder.Length != _names.Length || destination.Length != _names.Length)
        {
            throw new ArgumentException(
                $"Expected {_names.Length} features, got {rawInCardOrder.Length} values and room for {destination.Length}.");
        }

        for (var i = 0; i < _names.Length; i++)
        {
            destination[i] = PrepareValue(i, rawInCardOrder[i]);
        }
    }

    /// <summary>
    /// Assembles one row from a name → value map in card order, then imputes and scales it. A missing column is an
    /// error naming the feature (a NaN value is a missing value, not a missing column).
    /// </summary>
    /// <exception cref="InvalidDataException">A feature column is absent from <paramref name="row"/>.</exception>
    public void Prepare(IReadOnlyDictionary<string, double> row, Span<float> destination, string rowLabel = "row")
    {
        ArgumentNullException.ThrowIfNull(row);
        if (destination.Length != _names.Length)
        {
            throw new ArgumentException($"Expected room for {_names.Length} features, got {destination.Length}.", nameof(destination));
        }

        for (var i = 0; i < _names.Length; i++)
        {
            if (!row.TryGetValue(_names[i], out var value))
            {
                throw new InvalidDataException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{rowLabel}: feature '{_names[i]}' (model input {i}) is missing; the model needs: {string.Join(", ", _names)}."));
            }

            destination[i] = PrepareValue(i, value);
        }
    }

    private float PrepareValue(int index, double value)
    {
        if (!double.IsFinite(value))
        {
            value = _fill[index];
        }

        // Computed in double and cast once, as SCoPe scales float64 columns before casting to float32.
        return (float)((value - _offset[index]) / _divisor[index]);
    }
}
