namespace ScopeWeb.Core.Simulation;

/// <summary>What the simulator covers (time span, sky region, i-band share) and how it uses the machine.</summary>
public sealed record SimulationSettings
{
    /// <summary>First night (MJD); the default is ZTF's start of survey operations, March 2018.</summary>
    public double StartMjd { get; init; } = 58200;

    /// <summary>Last night (MJD); the default is early 2022, four observing seasons after the start.</summary>
    public double EndMjd { get; init; } = 59600;

    public double RaMinDeg { get; init; } = 0;
    public double RaMaxDeg { get; init; } = 360;

    /// <summary>Southern limit; Palomar (ZTF) reaches about −31°.</summary>
    public double DecMinDeg { get; init; } = -30;

    public double DecMaxDeg { get; init; } = 90;

    /// <summary>Share of fields that also get i-band exposures (ZTF's i-band program covered a subset of fields).</summary>
    public double IBandFieldFraction { get; init; } = 0.3;

    /// <summary>Sources generated together in parallel; two chunks are in memory at a time.</summary>
    public int ChunkSize { get; init; } = 500;

    /// <summary>Threads for generation; −1 uses every core. The output does not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Throws when a value is out of range, naming the setting.</summary>
    public void Validate()
    {
        if (!(EndMjd - StartMjd >= 200))
        {
            throw new ArgumentException($"SimulationSettings: EndMjd ({EndMjd}) must be at least 200 days after StartMjd ({StartMjd}).");
        }

        if (!(RaMinDeg >= 0 && RaMaxDeg <= 360 && RaMinDeg < RaMaxDeg))
        {
            throw new ArgumentException($"SimulationSettings: need 0 <= RaMinDeg < RaMaxDeg <= 360 (got {RaMinDeg}..{RaMaxDeg}).");
        }

        if (!(DecMinDeg >= -90 && DecMaxDeg <= 90 && DecMinDeg < DecMaxDeg))
        {
            throw new ArgumentException($"SimulationSettings: need -90 <= DecMinDeg < DecMaxDeg <= 90 (got {DecMinDeg}..{DecMaxDeg}).");
        }

        if (!(IBandFieldFraction is >= 0 and <= 1))
        {
            throw new ArgumentException($"SimulationSettings: IBandFieldFraction must be in [0, 1] (got {IBandFieldFraction}).");
        }

        if (ChunkSize < 1)
        {
            throw new ArgumentException($"SimulationSettings: ChunkSize must be positive (got {ChunkSize}).");
        }

        if (MaxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentException($"SimulationSettings: MaxDegreeOfParallelism must be -1 or positive (got {MaxDegreeOfParallelism}).");
        }
    }
}
