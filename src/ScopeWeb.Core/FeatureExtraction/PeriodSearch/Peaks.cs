namespace ScopeWeb.Core.FeatureExtraction.PeriodSearch;

/// <summary>Peak picking and display decimation on periodogram arrays.</summary>
internal static class Peaks
{
    /// <summary>
    /// Indices of the <paramref name="count"/> highest local maxima (or lowest local minima), best first. SCoPe takes the
    /// top values of the array, which on a finely sampled grid are mostly neighbours on the one highest peak; distinct
    /// peaks are what the next stage needs.
    /// </summary>
    public static int[] Top(ReadOnlySpan<float> values, int count, bool highest)
    {
        var sign = highest ? 1f : -1f;
        var heap = new PriorityQueue<int, float>(count + 1);
        var n = values.Length;
        var threshold = float.NegativeInfinity;
        for (var i = 0; i < n; i++)
        {
            var v = sign * values[i];

            // Most samples are below the current 50th-best peak: one comparison rejects them.
            if (!(v > threshold))
            {
                continue;
            }

            var left = i > 0 ? sign * values[i - 1] : float.NegativeInfinity;
            var right = i < n - 1 ? sign * values[i + 1] : float.NegativeInfinity;

            // Ties (flat tops) count once, at their first sample.
            if (v > left && v >= right)
            {
                if (heap.Count < count)
                {
                    heap.Enqueue(i, v);
                }
                else
                {
                    heap.EnqueueDequeue(i, v);
                }

                if (heap.Count == count)
                {
                    heap.TryPeek(out _, out threshold);
                }
            }
        }

        var result = new int[heap.Count];
        for (var k = result.Length - 1; k >= 0; k--)
        {
            result[k] = heap.Dequeue();
        }

        return result;
    }

    /// <summary>
    /// Vertex of the parabola through the peak sample and its neighbours: offset in grid steps (−0.5..0.5) and height.
    /// Near its top a periodogram peak is close to a parabola, so this recovers most of the loss of a coarse grid.
    /// </summary>
    public static (double Offset, double Height) Parabolic(ReadOnlySpan<float> values, int index)
    {
        if (index <= 0 || index >= values.Length - 1)
        {
            return (0, values[index]);
        }

        double left = values[index - 1], mid = values[index], right = values[index + 1];
        var curvature = left - (2 * mid) + right;
        if (!(curvature < 0))
        {
            return (0, mid);
        }

        var offset = Math.Clamp(0.5 * (left - right) / curvature, -0.5, 0.5);
        return (offset, mid - (0.25 * (left - right) * offset));
    }

    /// <summary>Mean and standard deviation (population), as numpy's mean/std.</summary>
    public static (double Mean, double Std) Moments(ReadOnlySpan<float> values)
    {
        double sum = 0, sumSq = 0;
        var n = 0;
        foreach (var v in values)
        {
            if (float.IsFinite(v))
            {
                sum += v;
                sumSq += (double)v * v;
                n++;
            }
        }

        if (n == 0)
        {
            return (double.NaN, double.NaN);
        }

        var mean = sum / n;
        return (mean, Math.Sqrt(Math.Max(0, (sumSq / n) - (mean * mean))));
    }

    /// <summary>
    /// At most <paramref name="maxPoints"/> points: the grid is cut into buckets and each keeps its extreme sample, so no
    /// peak disappears from a plot however large the grid.
    /// </summary>
    public static Periodogram Decimate(ReadOnlySpan<float> values, FrequencyGrid grid, string algorithm, bool highest, int maxPoints = 5000)
    {
        var n = values.Length;
        if (n <= maxPoints)
        {
            var f = new double[n];
            for (var i = 0; i < n; i++)
            {
                f[i] = grid.FrequencyAt(i);
            }

            return new Periodogram(f, values.ToArray(), algorithm);
        }

        var buckets = maxPoints;
        var freq = new double[buckets];
        var power = new float[buckets];
        for (var k = 0; k < buckets; k++)
        {
            var start = (int)((long)k * n / buckets);
            var end = (int)((long)(k + 1) * n / buckets);
            var best = start;
            for (var i = start + 1; i < end; i++)
            {
                if (highest ? values[i] > values[best] : values[i] < values[best])
                {
                    best = i;
                }
            }

            freq[k] = grid.FrequencyAt(best);
            power[k] = values[best];
        }

        return new Periodogram(freq, power, algorithm);
    }
}
