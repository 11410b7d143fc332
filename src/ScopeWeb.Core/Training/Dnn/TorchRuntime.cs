using System.Runtime.InteropServices;

namespace ScopeWeb.Core.Training.Dnn;

/// <summary>Process settings that must be in place before libtorch loads (it loads on the first TorchSharp call).</summary>
internal static class TorchRuntime
{
    static TorchRuntime()
    {
        // libtorch runs its intra-op threads on its bundled libgomp, which reads OMP_WAIT_POLICY once, when it loads. Its
        // default spin-waiting at every parallel region collapses under CPU contention: on the 2-core project machine with
        // other work running (load average 6-7), one ScopeNet epoch on 6,400 rows with 2 threads took 59 s spinning against
        // 4-6 s with OMP_WAIT_POLICY=passive, and the dense-only net 0.6 s against 0.07 s (docs/benchmarks.md, DNN training).
        // ScopeWeb trains next to the web app and scoring jobs, so idle threads sleep unless the process was started
        // with an explicit OMP_WAIT_POLICY (kept as given). LightGbmNative does the same for LightGBM's libgomp; the
        // first library to load libgomp decides for both.
        if (!OperatingSystem.IsWindows())
        {
            _ = SetEnvironmentVariable("OMP_WAIT_POLICY", "PASSIVE", overwrite: 0);
        }
    }

    /// <summary>Runs the static constructor (once); call before any TorchSharp API.</summary>
    public static void EnsureConfigured()
    {
        // The work is in the static constructor, which the runtime runs exactly once, before this first call returns.
    }

    /// <summary>libc setenv: native code reads the C environment, which .NET's Environment.SetEnvironmentVariable does not change on Unix.</summary>
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnvironmentVariable(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
