"""One colour per concept and per modality, shared by every figure.

A concept's colour depends on its index in the dataset's concept list only
(``tab10`` up to 10 concepts, ``tab20`` up to 20, then the ``hsv`` circle),
so concept "three" has the same colour in the latent-space view, the
raster's labels, Figure 1 and the summary. Modalities keep one colour each
everywhere (picture blue, written name red, spoken name green).
"""

from __future__ import annotations

__all__ = ["MODALITY_COLOURS", "MODALITY_COLOUR_WORDS", "concept_colour", "concept_colours"]

#: modality -> matplotlib colour
MODALITY_COLOURS = {"picture": "#1f77b4", "name": "#d62728", "spoken": "#2ca02c"}
#: the same colours in words (for titles)
MODALITY_COLOUR_WORDS = {"picture": "blue", "name": "red", "spoken": "green"}


def concept_colours(n: int) -> list[tuple]:
    """RGBA colours of the concepts with indices 0 to n - 1 (an index keeps its colour for a given n range).

    Raises
    ------
    ValueError
        For ``n < 0``.
    """
    import matplotlib

    if n < 0:
        raise ValueError(f"concept_colours(n={n}): n must be >= 0")
    if n <= 10:
        cmap = matplotlib.colormaps["tab10"]
    elif n <= 20:
        cmap = matplotlib.colormaps["tab20"]
    else:
        cmap = matplotlib.colormaps["hsv"].resampled(n + 1)
    return [tuple(float(c) for c in cmap(i)) for i in range(n)]


def concept_colour(index: int, n: int) -> tuple:
    """The colour of concept ``index`` among ``n`` concepts."""
    if not 0 <= index < n:
        raise ValueError(f"concept_colour(index={index}, n={n}): index must be in [0, n)")
    return concept_colours(n)[index]
