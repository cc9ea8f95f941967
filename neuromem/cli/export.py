"""``neuromem export``: the recording of a results folder in a field format (Neo, NWB)."""

from __future__ import annotations

SUMMARY = "write the recording of a results folder as Neo or NWB"
DESCRIPTION = ("Convert the recording a run saved (recording.npz: spikes of every population, chosen membrane "
               "potentials, stimulus epochs and labels) into a field format, written atomically: neo (a Neo Block "
               "in a NIX file; Elephant's statistics run on it) or nwb (Neurodata Without Borders). Each format "
               "needs its extra: pip install 'neuromem[neo]' or 'neuromem[nwb]'.")
EXAMPLE = "neuromem export --results results/engram-formation-digits --format nwb --out run.nwb"


def add_arguments(p) -> None:
    from neuromem.io.formats import FORMATS, format_names

    listed = "; ".join(f"{n}: {FORMATS[n].description}" for n in format_names())
    p.add_argument("--results", required=True, metavar="DIR", help="a results folder holding recording.npz")
    p.add_argument("--format", required=True, metavar="FORMAT", help=f"the format to write ({listed})")
    p.add_argument("--out", default=None, metavar="PATH",
                   help="the file to write (default: DIR/recording<suffix of the format>, e.g. recording.nwb)")


def run(args) -> int:
    from neuromem.io import export_results

    path = export_results(args.results, args.format, args.out)
    print(f"exported: {path} ({args.format})")
    return 0
