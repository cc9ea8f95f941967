"""Figure of ``neuromem recall --imagine``: what the memory "sees" for a concept, beside real pictures."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

__all__ = ["imagine_figure"]


def _show(ax, pic, title):
    pic = np.asarray(pic)
    if pic.dtype == np.uint8:
        pic = pic / 255.0
    ax.imshow(np.clip(pic, 0, 1), cmap="gray" if pic.ndim == 2 else None, vmin=0, vmax=1, interpolation="nearest")
    ax.set_title(title, fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])


def imagine_figure(imagined: dict, answer: dict, out: str | Path) -> Path:
    """Write a PNG: the decoder's drawing from the engram-completed latent, then the nearest stored pictures.

    Parameters
    ----------
    imagined : dict
        From :meth:`neuromem.store.memory.Memory.imagine`.
    answer : dict
        The recall answer (for the title).
    out : path
        PNG file (written atomically).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neuromem._io import atomic_write_bytes

    out = Path(out)
    if out.suffix.lower() != ".png":
        raise ValueError(f"--imagine writes a PNG file; got {out} (use a .png name)")
    near = [n for n in imagined["nearest"] if n.get("thumbnail") is not None]
    n_panels = 1 + len(near)
    fig, axes = plt.subplots(1, n_panels, figsize=(1.6 * n_panels + 0.4, 2.2), squeeze=False)
    axes = axes[0]
    cue = answer.get("cue", {})
    if imagined["picture"] is None:
        axes[0].text(0.5, 0.5, "engram silent:\nnothing imagined", ha="center", va="center", fontsize=8)
        axes[0].set_axis_off()
    else:
        _show(axes[0], imagined["picture"], "imagined\n(engram feedback)")
    for ax, n in zip(axes[1:], near):
        _show(ax, n["thumbnail"], f"nearest: {n['concept']}\n{Path(n['source']).name[:18]}")
    fig.suptitle(f"cue {cue.get('modality')} {cue.get('text', cue.get('file', ''))!r} -> {answer['concept']}",
                 fontsize=9)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    plt.close(fig)
    return atomic_write_bytes(out, buf.getvalue())
