"""Figures built from saved results (never from live engine objects)."""
