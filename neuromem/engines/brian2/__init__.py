"""Brian2 engine: runtime (numpy target) and cpp_standalone (built once, re-run with run_args)."""
