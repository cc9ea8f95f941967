"""Whole-loop compiled CPU engine (numba), registered as ``"numba"``.

Importing this package does not import numba; :mod:`.engine` does.
"""
