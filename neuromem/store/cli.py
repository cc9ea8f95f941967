"""``neuromem learn``, ``neuromem recall``, ``neuromem memory show|add`` and ``neuromem bench-store``.

Recall's ``--json`` output for one cue is one JSON object on standard output
with at least the keys ``concept`` (the nearest known concept by the store's
locality, also when ``novel`` is true; the same as ``store_concept``),
``store_concept``, ``network_concept`` (the concept whose engram neurons fired
most; ``null`` when none fired), ``confidence`` (the answer's share of the
inverse-distance-weighted votes of the 10 nearest stored items, in [0, 1];
see :mod:`neuromem.store.concepts`), ``engram_neurons`` (concept neurons that
fired for the cue, most spikes first), ``match_error`` (decoder match error of
a picture cue; ``null`` for name and sound cues) and ``novel`` (see
:mod:`neuromem.store.recall` for why ``concept`` is the store's answer).
With several cues (several files, or a folder) it is one object
``{"answers": [...], "accuracy": ...}``; each answer has ``expected``, the
concept named by the file's folder when that folder's name is a concept of the
memory (else ``null``), and ``accuracy`` is ``{"correct", "n", "value"}`` over
those files (``null`` when there is none).

Errors are one line on standard error with exit status 2 (bad input, a
read-only or full disk); Ctrl-C stops with one line and exit status 130. A
command that stops leaves the memory as it was: a save is committed whole or
not at all, and a first ``learn`` that fails leaves no folder behind.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["add_commands"]

SOUND_SUFFIXES = {".wav", ".flac", ".ogg", ".aiff", ".aif"}


def _learn(args) -> int:
    from neuromem.data import load_dataset
    from neuromem.encoders import EncoderConfig
    from neuromem.store.learning import LearnConfig, learn
    from neuromem.store.persist import check_writable

    config = LearnConfig(presentations=args.presentations, engine=args.engine, preset=args.preset, seed=args.seed,
                         concept_neurons=args.concept_neurons)
    enc = EncoderConfig(backbone=args.backbone, input_size_px=args.input_size, latent_dim=args.latent_dim,
                        heldout_fraction=args.heldout_fraction, spoken=not args.no_spoken, weights=args.weights)
    memory_dir = Path(args.memory).expanduser()
    check_writable(memory_dir)  # before any work: read-only, a file, a folder that is not a memory
    log = (lambda m: None) if args.quiet else (lambda m: print(m, flush=True))
    log(f"learning {args.dataset} into {memory_dir}")
    dataset = load_dataset(args.dataset, per_concept=args.per_concept, seed=args.seed, data_dir=args.data_dir,
                           heldout_fraction=args.heldout_fraction, min_train=args.presentations)
    from dataclasses import replace

    from neuromem.data.concept_split import resolve_fit_concepts

    fit = resolve_fit_concepts(getattr(args, "fit_concepts", None), dataset.concepts, seed=args.seed)
    if fit is not None:  # encoder parts fitted on these concepts only; the memory learns every concept
        enc = replace(enc, fit_concepts=fit)
    mem = learn(dataset, config=config, encoder_config=enc, progress=not args.quiet, use_cache=not args.no_cache,
                log=log)
    gen = mem.save(memory_dir)
    _print_show(mem, sys.stdout)
    acc = mem.meta["heldout_accuracy"]
    if acc["n"]:
        print(f"held-out accuracy: {acc['correct']} of {acc['n']} held-out pictures ({acc['accuracy']:.2f}) recalled "
              "as their own concept, each with itself left out of the store")
    print(f"memory saved: {memory_dir} ({gen.name})")
    return 0


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


def _recall(args) -> int:
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
    args.draw_imagined(img, ans, args.imagine)


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


def _print_show(mem, out) -> None:
    rows = mem.describe()
    meta = mem.meta
    print(f"memory: {meta['dataset']['name']}, {len(rows)} concepts, {mem.store.n_items} items, "
          f"{meta['network']['concept_neurons']} concept neurons ({meta['network']['engine']}), seed {meta['seed']}",
          file=out)
    head = f"{'concept':20s} {'pictures':>8s} {'names':>6s} {'spoken':>6s}  {'engram neurons':24s} parents / children"
    print(head, file=out)
    print("-" * len(head), file=out)
    for r in rows:
        neurons = ",".join(str(n) for n in r["engram_neurons"]) or "-"
        rel = ",".join(r["parents"]) + (" / " + ",".join(r["children"]) if r["children"] else "")
        print(f"{r['concept'][:20]:20s} {r['picture']:8d} {r['name']:6d} {r['spoken']:6d}  {neurons[:24]:24s} {rel}",
              file=out)
    shared = meta.get("shared_engram_neurons") or {}
    if shared:
        print(f"neurons in more than one engram: {shared}", file=out)
    print(f"link radius {mem.store.link_radius:.3f}; match error threshold "
          f"{meta['thresholds']['match_error_threshold']:.4f}", file=out)


def _memory_show(args) -> int:
    from neuromem.store.memory import load_memory

    if (args.memory is None) == (args.dir is None):
        raise ValueError("give the memory folder once: memory show --memory DIR (or memory show DIR)")
    mem = load_memory(args.memory or args.dir)
    _print_show(mem, sys.stdout)
    g = mem.store.hierarchy
    roots = [n for n in g.nodes if g.in_degree(n) == 0 and g.out_degree(n) > 0]
    for r in roots:
        print(f"hierarchy: {r} -> " + ", ".join(sorted(mem.store.descendants(r))))
    return 0


def _memory_add(args) -> int:
    from neuromem.store.memory import load_memory
    from neuromem.store.persist import check_writable

    if not Path(args.picture).expanduser().is_file():
        raise FileNotFoundError(f"picture file {args.picture} does not exist")
    mem = load_memory(args.memory)
    check_writable(args.memory)  # before any work: a read-only memory is refused here, not after learning
    ans = mem.add_picture(args.picture, concept=args.concept)
    gen = mem.save(args.memory)
    how = "learned one-shot as the new concept" if ans["new_concept"] else "linked to"
    print(f"{args.picture}: {how} {ans['added_to']!r} (nearest {ans['concept']!r}, distance {ans['distance']:.3f}, "
          f"match error {ans['match_error']:.4f}); saved {gen.name}")
    return 0


def _bench_store(args) -> int:
    from neuromem.store.bench import main_from_args

    return int(main_from_args(args) or 0)


def _one_line_failures(func):
    """Run a store command so that Ctrl-C and operating-system errors end in one line (exit 130 / 2)."""
    from neuromem.store.interrupt import run_guarded

    def run(args):
        return run_guarded(func, args, memory=getattr(args, "memory", None) or getattr(args, "dir", None))

    run.__name__ = run.__qualname__ = func.__name__
    return run


def add_commands(sub, add_dataset_args, draw_imagined) -> None:
    """Register the store's sub-commands on the ``neuromem`` parser's ``sub``.

    ``draw_imagined(imagined, answer, path)`` writes the ``--imagine`` PNG (the
    figure code lives above the store, in ``neuromem.viz``).
    """
    from neuromem.store.learning import LearnConfig

    defaults = LearnConfig()
    p = sub.add_parser("learn", help="encode a dataset, form engrams, build the concept store, save a memory",
                       conflict_handler="resolve")
    add_dataset_args(p)
    p.add_argument("--dataset", required=True,
                   help="digits, fashion-mnist, or folder:PATH (one folder per concept; nest folders for a hierarchy)")
    p.add_argument("--memory", required=True, help="memory folder (created; a new generation is committed)")
    p.add_argument("--presentations", type=int, default=defaults.presentations,
                   help=f"presentations per concept (default {defaults.presentations})")
    p.add_argument("--engine", default=defaults.engine, help=f"engine name (default {defaults.engine})")
    p.add_argument("--preset", default=defaults.preset, help="network preset (default: default)")
    p.add_argument("--seed", type=int, default=defaults.seed, help=f"seed (default {defaults.seed})")
    p.add_argument("--concept-neurons", type=int, default=None,
                   help="concept layer size (default: the preset's, grown to 4 per concept and doubled until every "
                        "concept has a neuron of its own)")
    p.add_argument("--fit-concepts", default=None, help="NAMES|FRACTION: concepts the encoder parts are fitted on (as for encode); the memory learns all")
    p.set_defaults(func=_one_line_failures(_learn))

    p = sub.add_parser("recall", help="recall a concept from pictures, a written name or sounds")
    p.add_argument("--memory", required=True, help="memory folder written by learn")
    p.add_argument("--picture", nargs="+", default=None, metavar="FILE|FOLDER",
                   help="picture cue(s): files or folders (several give a table, with the accuracy over files whose "
                        "folder is named after a concept)")
    p.add_argument("--name", default=None, help="written name cue")
    p.add_argument("--sound", nargs="+", default=None, metavar="FILE|FOLDER", help="sound cue(s) (WAV, FLAC)")
    p.add_argument("--json", action="store_true", help="print only one JSON object")
    p.add_argument("--imagine", default=None, metavar="OUT.png",
                   help="with --name/--sound: draw the picture the engram completes, beside the nearest real ones")
    p.set_defaults(func=_one_line_failures(_recall), draw_imagined=draw_imagined)

    p = sub.add_parser("memory", help="inspect or extend a saved memory")
    msub = p.add_subparsers(dest="memory_command", required=True)
    s = msub.add_parser("show", help="concepts, items, engrams and hierarchy as a table")
    s.add_argument("--memory", default=None, help="memory folder (as for every other command)")
    s.add_argument("dir", nargs="?", default=None, help="memory folder (the same as --memory)")
    s.set_defaults(func=_one_line_failures(_memory_show))
    a = msub.add_parser("add", help="add one picture (linked by locality, or a new concept learned one-shot)")
    a.add_argument("--memory", required=True, help="memory folder")
    a.add_argument("--picture", required=True, help="picture file")
    a.add_argument("--concept", default=None, help="concept name (a new name learns a new concept)")
    a.set_defaults(func=_one_line_failures(_memory_add))

    p = sub.add_parser("bench-store", help="concept-store scale benchmark (synthetic clustered latents)")
    from neuromem.store.bench import add_cli_arguments

    add_cli_arguments(p)
    p.set_defaults(func=_bench_store)
