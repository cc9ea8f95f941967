"""Batched PyTorch engine, registered as ``"torch-batched"`` (CPU or CUDA; trials and networks as batch rows).

Importing this package does not import torch; :mod:`.engine` does.
"""
