using ScopeWeb.Benchmarks;

// scope-bench: the measurements behind docs/benchmarks.md. Benchmarks, not tests: CI does not run them.
return await ScopeBench.Create().Parse(args).InvokeAsync().ConfigureAwait(false);
