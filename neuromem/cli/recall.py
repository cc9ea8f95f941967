"""``neuromem recall``: the concept of pictures, a written name or sounds, from a saved memory.

Recall's ``--json`` output for one cue is one JSON object on standard output
with at least the keys ``concept`` (the nearest known concept by the store's
locality, also when ``novel`` is true; the same as ``store_concept``),
``store_concept``, ``network_concept`` (the concept whose engram neurons fired
most; ``null`` when none fired), ``confidence`` (the answer's share of the
inverse-distance-weighted votes of the 10 nearest stored items, in [0, 1];
see :mod:`neuromem.store.concepts`), ``engram_neurons`` (concept neurons that
fired for the cue, most spikes first), ``match_error`` (decoder match error of
a picture cue; ``null`` for name and sound cues), ``novel`` (see
:mod:`neuromem.store.recall` for why ``concept`` is the store's answer) and
``link_route`` (``locality``, ``thesaurus``, ``both`` or ``none``: what linked
the cue to ``concept``, with ``thesaurus_nodes`` and ``thesaurus_classes``;
see :mod:`neuromem.store.thesaurus`).
With several cues (several files, or a folder) it is one object
``{"answers": [...], "accuracy": ...}``; each answer has ``expected``, the
concept named by the file's folder when that folder's name is a concept of the
memory (else ``null``), and ``accuracy`` is ``{"correct", "n", "value"}`` over
those files (``null`` when there is none).

Errors end in one line and exit status 2, Ctrl-C in one line and exit status
130, as for every command (:mod:`neuromem.cli.guard`).
"""

from __future__ import annotations

import json
from pathlib import Path

SUMMARY = "recall a concept from pictures, a written name or sounds"
DESCRIPTION = ("Recall from a memory saved by `neuromem learn`: each cue (picture files or folders, a written name, "
               "sound files or folders) is encoded, shown to the concept neurons and looked up in the concept store. "
               "One cue prints the store's nearest concept, the concept whose engram neurons fired, the confidence, "
               "match error and novelty; several files (or a folder) print a table, with the accuracy over files "
               "whose folder is named after a concept. --json prints one JSON object; --imagine draws the picture "
               "a name or sound cue completes.")
EXAMPLE = "neuromem recall --memory my_memory --picture new_photo.png --json"

SOUND_SUFFIXES = {".wav", ".flac", ".ogg", ".aiff", ".aif"}


def add_arguments(p) -> None:
    p.add_argument("--memory", required=True, help="memory folder written by learn")
    p.add_argument("--picture", nargs="+", default=None, metavar="FILE|FOLDER",
                   help="picture cue(s): files or folders (several give a table, with the accuracy over files whose "
                        "folder is named after a concept)")
    p.add_argument("--name", default=None, help="written name cue")
    p.add_argument("--sound", nargs="+", default=None, metavar="FILE|FOLDER", help="sound cue(s) (WAV, FLAC)")
    p.add_argument("--json", action="store_true", help="print only one JSON object")
    p.add_argument("--imagine", default=None, metavar="OUT.png",
                   help="with --name/--sound: draw the picture the engram completes, beside the nearest real ones")


def _cue_files(values, suffixes) -> list[Path]:
    from neuromem.data.folder import list_cue_files

    files = []
    for v in values:
        p = Path(v).expanduser()
        if p.is_dir():
            files += list_cue_files(p, suffixes)
        elif p.is_file():
            files.append(p)
        else:
            raise FileNotFoundError(f"cue file {v} does not exist")
    return files


def _check_png_path(path) -> None:
    """Refuse an ``--imagine`` path that could not be written, before any work."""
    import os

    p = Path(path).expanduser()
    if p.suffix.lower() != ".png":
        raise ValueError(f"--imagine writes a PNG file; got {path} (use a .png name)")
    if p.is_dir():
        raise ValueError(f"--imagine {path} is a folder; give a file name such as {p / 'imagined.png'}")
    parent = p.absolute().parent
    if not parent.is_dir():
        raise ValueError(f"--imagine {path}: the folder {parent} does not exist; create it or choose another path")
    if not os.access(parent, os.W_OK | os.X_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise ValueError(f"--imagine {path} cannot be written (no permission in {parent}); choose a writable path")


def _expected(path: Path, concepts) -> str | None:
    from neuromem.data.names import concept_key

    keys = {concept_key(c): c for c in concepts}
    return keys.get(concept_key(path.parent.name)) if path.parent.name else None


def run(args) -> int:
    from neuromem.store.memory import load_memory

    given = [o for o, v in (("--picture", args.picture), ("--name", args.name), ("--sound", args.sound)) if v]
    if len(given) != 1:
        raise ValueError("give one kind of cue: --picture FILE|FOLDER ..., --name TEXT or --sound FILE|FOLDER ...")
    if args.imagine:
        if args.picture:
            raise ValueError("--imagine needs a name or sound cue (--name TEXT or --sound FILE)")
        _check_png_path(args.imagine)
    values = args.picture or args.sound or []
    files = _cue_files(values, _picture_suffixes() if args.picture else SOUND_SUFFIXES)
    single = args.name is not None or (len(values) == 1 and not Path(values[0]).expanduser().is_dir())
    if args.imagine and not single:
        raise ValueError("--imagine draws one picture: give one --name or one --sound file")
    mem = load_memory(args.memory)
    if args.picture:
        answers = mem.recall_pictures(files)
    elif args.name is not None:
        answers = [mem.recall_name(args.name)]
    else:
        answers = [mem.recall_sound(f) for f in files]
    if args.imagine:
        _imagine(mem, args, answers[0])
    if single:
        _print_one(answers[0], args)
        return 0
    for a, f in zip(answers, files):
        a["expected"] = _expected(f, mem.store.concepts)
    judged = [a for a in answers if a["expected"] is not None]
    correct = sum(a["concept"] == a["expected"] and not a["novel"] for a in judged)
    acc = {"correct": correct, "n": len(judged), "value": correct / len(judged)} if judged else None
    if args.json:
        print(json.dumps({"answers": answers, "accuracy": acc}))
        return 0
    _print_table(answers, files, acc)
    return 0


def _picture_suffixes():
    from neuromem.data.folder import IMAGE_SUFFIXES

    return IMAGE_SUFFIXES


def _imagine(mem, args, ans) -> None:
    import numpy as np

    if args.name is not None:
        text = ans["cue"]["text"]
        z, item, modality = mem.encoders.names([text])[0], text, "name"
    else:
        z, item = mem.sound_latent(ans["cue"]["file"])
        modality = "spoken"
    img = mem.imagine(np.asarray(z), modality, item=item)
    ans["imagined"] = {"file": str(args.imagine), "source": img["source"],
                       "nearest": [{k: v for k, v in n.items() if k != "thumbnail"} for n in img["nearest"]]}
    from neuromem.viz.store import imagine_figure

    imagine_figure(img, ans, args.imagine)


def _answer_text(ans) -> str:
    return f"unknown (nearest: {ans['concept']})" if ans["novel"] else ans["concept"]


def _print_one(ans, args) -> None:
    if args.json:
        print(json.dumps(ans))
        return
    if ans["novel"]:
        print(f"concept: {_answer_text(ans)}, name {ans['name']!r}")
    else:
        print(f"concept: {ans['concept']} (name {ans['name']!r}), confidence {ans['confidence']:.2f}")
    net = ans["network_concept"]
    print(f"engram neurons that fired: {ans['engram_neurons'] or 'none'} (the answer's engram {ans['concept_engram']})")
    if net is None:
        print("concept neurons: no engram neuron fired; the answer comes from the store alone")
    elif net != ans["concept"]:
        print(f"concept neurons: the engram neurons that fired most belong to {net!r}, not to {ans['concept']!r} "
              "(the answer above is the store's nearest concept)")
    else:
        print(f"concept neurons: the engram neurons that fired most belong to {net!r} too")
    if ans["match_error"] is not None:
        print(f"match error: {ans['match_error']:.4f} (familiar below {ans['match_error_threshold']:.4f})")
    print(f"distance to the concept: {ans['distance']:.3f} (link radius {ans['link_radius']:.3f})")
    print("novel: " + ("yes, proposed as a new concept" if ans["novel"] else "no, familiar"))
    if ans["thesaurus_nodes"] is not None:
        print(f"linked by: {ans['link_route']} (thesaurus nodes: {', '.join(ans['thesaurus_nodes']) or 'none'})")
    if args.imagine:
        print(f"imagined picture: {args.imagine} ({ans['imagined']['source']})")


def _print_table(answers, files, acc) -> None:
    import os

    try:
        common = Path(os.path.commonpath([str(f.absolute().parent) for f in files]))
    except ValueError:  # files on different drives
        common = None
    rows = [(str(f.absolute().relative_to(common)) if common else str(f), _answer_text(a),
             "-" if a["novel"] else f"{a['confidence']:.2f}", a["network_concept"] or "-", a["expected"] or "-",
             "" if a["expected"] is None else ("ok" if a["concept"] == a["expected"] and not a["novel"] else "WRONG"))
            for a, f in zip(answers, files)]
    head = ("file", "answer", "confidence", "neurons", "expected", "")
    widths = [min(40, max(len(r[i]) for r in rows + [head])) for i in range(len(head))]
    if common:
        print(f"cues under {common}")
    for r in [head] + rows:
        print("  ".join(c[:w].ljust(w) for c, w in zip(r, widths)).rstrip())
    if acc is None:
        print("accuracy: no file lies in a folder named after a concept of this memory")
    else:
        print(f"accuracy: {acc['correct']} of {acc['n']} ({acc['value']:.2f}) files whose folder names a concept "
              "(a novel answer counts as wrong)")
