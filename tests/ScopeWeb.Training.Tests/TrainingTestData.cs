using System.Globalization;
using System.Text;
using ScopeWeb.Training.Data;

namespace ScopeWeb.Training.Tests;

/// <summary>Small synthetic SCoPe-format training tables: two informative features, one noise feature, float labels, optional dmdt.</summary>
internal static class TrainingTestData
{
    public static string Csv(int rows, int seed = 3, bool dmdt = false, bool withNonVariable = false)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder("obj_id,amp,period,noise,variable" + (withNonVariable ? ",non-variable" : "") + (dmdt ? ",dmdt" : "") + "\n");
        for (var i = 0; i < rows; i++)
        {
            var positive = rng.NextDouble() < 0.4;
            var amp = (positive ? 0.6 : 0.2) + (rng.NextDouble() * 0.3);
            var period = (positive ? 0.5 : 3.0) + rng.NextDouble();
            var label = positive ? (rng.NextDouble() < 0.9 ? 1.0 : 0.75) : (rng.NextDouble() < 0.9 ? 0.0 : 0.25);
            sb.Append(CultureInfo.InvariantCulture, $"ZTFJ{i:D6},{amp:R},{period:R},{rng.NextDouble():R},{label:R}");
            if (withNonVariable)
            {
                sb.Append(CultureInfo.InvariantCulture, $",{(positive ? 0.0 : (i % 5 == 0 ? 0.5 : 1.0)):R}");
            }

            if (dmdt)
            {
                // A bright cell whose place depends on the class: the conv branch can learn it.
                var cell = positive ? 40 : 400;
                sb.Append(",\"[");
                for (var r = 0; r < 26; r++)
                {
                    sb.Append(r == 0 ? "[" : ",[");
                    sb.Append(string.Join(',', Enumerable.Range(0, 26).Select(c => ((r * 26) + c) == cell ? "0.9" : "0.01")));
                    sb.Append(']');
                }

                sb.Append("]\"");
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    public static TrainingTable Table(int rows, int seed = 3, bool dmdt = false, bool withNonVariable = false) =>
        TrainingTable.Read(new StringReader(Csv(rows, seed, dmdt, withNonVariable)), "train.csv", "sha256:test");
}
