"""Where the PyTorch engines put their tensors: a device name checked once (torch imported when called)."""

from __future__ import annotations

__all__ = ["resolve_device"]


def resolve_device(device, engine: str = "this engine"):
    """``"cpu"``, ``"cuda"`` or ``"cuda:N"`` -> ``torch.device``; a clear error when it cannot be used here.

    Raises
    ------
    ValueError
        For a name that is not a device, or a device type other than cpu / cuda.
    RuntimeError
        For CUDA on a machine without it, or a CUDA index beyond the devices present.
    """
    import torch

    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"device={device!r} is not a device name; use 'cpu', 'cuda' or 'cuda:N'") from exc
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"device={device!r}; {engine} runs on 'cpu' or 'cuda'")
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError(f"device={device!r} was requested but CUDA is not available here "
                               f"(torch {torch.__version__}, built for CUDA {torch.version.cuda}); use device='cpu'")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise RuntimeError(f"device={device!r}: only {torch.cuda.device_count()} CUDA device(s) present")
    return dev
