"""Sphinx configuration of the neuromem documentation (build: ``bash tools/build_docs.sh``).

Prose is MyST Markdown; the API pages come from the numpydoc docstrings
(autodoc + autosummary + numpydoc); the gallery runs the short scripts in
``examples/`` (sphinx-gallery) on the CPU in seconds.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TQDM_DISABLE", "1")

project = "neuromem"
author = "neuromem contributors"
copyright = "neuromem contributors"
try:
    from importlib.metadata import version as _version

    release = _version("neuromem")
except Exception:  # a source tree that is not installed
    release = "0.1.0"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "measurements", "**.ipynb_checkpoints", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip", "auto_examples/*.json"]
myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3
# A short name that two modules define (``base``, ``mechanisms``) is ambiguous in generated cross-references.
suppress_warnings = ["ref.python"]

# API pages: generated from the docstrings; the engines' own libraries load only when a page needs them.
autosummary_generate = True
autosummary_imported_members = False
# Members defined in each module only: a package's re-exports are documented once, where they are defined.
autodoc_default_options = {"members": True, "show-inheritance": False, "ignore-module-all": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_validation_checks: set[str] = set()
numpydoc_xref_param_type = False

html_theme = "furo"
html_title = "neuromem"
html_static_path: list[str] = []

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "plot_gallery": "True",
    "within_subsection_order": "FileNameSortKey",
}
