"""Experiments as library functions (thin scripts and the CLI call these)."""
