"""PyTorch/Norse engine, registered as ``"norse"`` (CPU or CUDA, batched networks).

Importing this package does not import torch or norse; :mod:`.engine` does.
"""
