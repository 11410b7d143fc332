using System.Runtime.InteropServices;

namespace ScopeWeb.Training;

/// <summary>
/// libtorch and LightGBM run their threads on libgomp, which reads OMP_WAIT_POLICY once, when it loads. Its default
/// spin-waiting collapses under CPU contention (on the 2-core project machine with other work running: one ScopeNet
/// epoch 59 s against 4-6 s, 200 LightGBM rounds 24.6 s against 1.6 s; docs/benchmarks.md). ScopeWeb trains next to the
/// web app and its scoring jobs, so idle threads sleep, unless the process was started with an explicit
/// OMP_WAIT_POLICY (kept as given). Both libraries share one libgomp (same soname): the first to load it decides.
/// </summary>
internal static class OpenMpWaitPolicy
{
    static OpenMpWaitPolicy()
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = SetEnvironmentVariable("OMP_WAIT_POLICY", "PASSIVE", overwrite: 0);
        }
    }

    /// <summary>Sets the policy (once, in the static constructor); call before the first native call that loads libgomp.</summary>
    public static void EnsurePassive()
    {
        // The work is in the static constructor, which the runtime runs exactly once, before this first call returns.
    }

    /// <summary>libc setenv: native code reads the C environment, which .NET's Environment.SetEnvironmentVariable does not change on Unix.</summary>
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnvironmentVariable(
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
