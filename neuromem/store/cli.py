"""``neuromem learn``, ``neuromem recall``, ``neuromem memory show|add`` and ``neuromem bench-store``.

Recall's ``--json`` output is one JSON object on standard output with at
least the keys ``concept`` (the nearest known concept, also when ``novel`` is
true), ``confidence`` (the answer's share of the inverse-distance-weighted
votes of the 10 nearest stored items, in [0, 1]; see
:mod:`neuromem.store.concepts`), ``engram_neurons`` (concept neurons that fired for
the cue, most spikes first), ``match_error`` (decoder match error of a
picture cue; ``null`` for name and sound cues) and ``novel``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["add_commands"]


def _learn(args) -> int:
    from neuromem.encoders import EncoderConfig
    from neuromem.store.memory import LearnConfig, learn

    config = LearnConfig(presentations=args.presentations, engine=args.engine, preset=args.preset, seed=args.seed,
                         concept_neurons=args.concept_neurons)
    enc = EncoderConfig(backbone=args.backbone, input_size_px=args.input_size, latent_dim=args.latent_dim,
                        heldout_fraction=args.heldout_fraction, spoken=not args.no_spoken, weights=args.weights)
    memory_dir = Path(args.memory)
    if memory_dir.exists() and not memory_dir.is_dir():
        raise ValueError(f"--memory {memory_dir} is a file; give a folder")
    provenance = None
    if args.dataset.startswith("folder:"):
        from neuromem.store.folders import load_concept_tree

        path = args.dataset.split(":", 1)[1]
        if not path:
            raise ValueError("folder datasets are named folder:PATH, e.g. folder:~/faces")
        dataset, provenance = load_concept_tree(path)
    else:
        from neuromem.data import load_dataset

        dataset = load_dataset(args.dataset, per_concept=args.per_concept, seed=args.seed, data_dir=args.data_dir)
    from dataclasses import replace

    from neuromem.data.concept_split import resolve_fit_concepts

    fit = resolve_fit_concepts(getattr(args, "fit_concepts", None), dataset.concepts, seed=args.seed)
    if fit is not None:  # encoder parts fitted on these concepts only; the memory learns every concept
        enc = replace(enc, fit_concepts=fit)
    mem = learn(dataset, config=config, encoder_config=enc, provenance=provenance, progress=not args.quiet,
                log=(lambda m: None) if args.quiet else print)
    gen = mem.save(memory_dir)
    _print_show(mem, sys.stdout)
    print(f"memory saved: {memory_dir} ({gen.name})")
    return 0


def _recall(args) -> int:
    from neuromem.store.memory import load_memory

    cues = [c for c in (args.picture, args.name, args.sound) if c is not None]
    if len(cues) != 1:
        raise ValueError("give exactly one cue: --picture FILE, --name TEXT or --sound FILE")
    if args.imagine and args.picture is not None:
        raise ValueError("--imagine needs a name or sound cue (--name TEXT or --sound FILE)")
    if args.picture is not None and not Path(args.picture).expanduser().is_file():
        raise FileNotFoundError(f"picture file {args.picture} does not exist")
    if args.sound is not None and not Path(args.sound).expanduser().is_file():
        raise FileNotFoundError(f"sound file {args.sound} does not exist")
    mem = load_memory(args.memory)
    if args.picture is not None:
        ans = mem.recall_picture(args.picture)
    elif args.name is not None:
        ans = mem.recall_name(args.name)
    else:
        ans = mem.recall_sound(args.sound)
    if args.imagine:
        import numpy as np

        if args.name is not None:
            z, item, modality = mem.encoders.names([args.name])[0], args.name, "name"
        else:
            z, item, modality = (*_sound_latent(mem, args.sound), "spoken")
        img = mem.imagine(np.asarray(z), modality, item=item)
        ans["imagined"] = {"file": str(args.imagine), "source": img["source"],
                           "nearest": [{k: v for k, v in n.items() if k != "thumbnail"} for n in img["nearest"]]}
        args.draw_imagined(img, ans, args.imagine)
    if args.json:
        print(json.dumps(ans))
        return 0
    print(f"concept: {ans['concept']} (name {ans['name']!r}), confidence {ans['confidence']:.2f}")
    print(f"engram neurons that fired: {ans['engram_neurons'] or 'none'} (concept's engram {ans['concept_engram']})")
    if ans["match_error"] is not None:
        print(f"match error: {ans['match_error']:.4f} (familiar below {ans['match_error_threshold']:.4f})")
    print(f"distance to the concept: {ans['distance']:.3f} (link radius {ans['link_radius']:.3f})")
    print("novel: " + ("yes, proposed as a new concept" if ans["novel"] else "no, familiar"))
    if args.imagine:
        print(f"imagined picture: {args.imagine} ({ans['imagined']['source']})")
    return 0


def _sound_latent(mem, path):
    import soundfile as sf

    wave, sr = sf.read(Path(path).expanduser(), dtype="float32", always_2d=True)
    mono = wave.mean(axis=1)
    return mem.encoders.sounds([(mono, int(sr))])[0], mono


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

    mem = load_memory(args.dir)
    _print_show(mem, sys.stdout)
    g = mem.store.hierarchy
    roots = [n for n in g.nodes if g.in_degree(n) == 0 and g.out_degree(n) > 0]
    for r in roots:
        print(f"hierarchy: {r} -> " + ", ".join(sorted(mem.store.descendants(r))))
    return 0


def _memory_add(args) -> int:
    from neuromem.store.memory import load_memory

    if not Path(args.picture).expanduser().is_file():
        raise FileNotFoundError(f"picture file {args.picture} does not exist")
    mem = load_memory(args.memory)
    ans = mem.add_picture(args.picture, concept=args.concept)
    gen = mem.save(args.memory)
    how = "learned one-shot as the new concept" if ans["new_concept"] else "linked to"
    print(f"{args.picture}: {how} {ans['added_to']!r} (nearest {ans['concept']!r}, distance {ans['distance']:.3f}, "
          f"match error {ans['match_error']:.4f}); saved {gen.name}")
    return 0


def _bench_store(args) -> int:
    from neuromem.store.bench import main_from_args

    return int(main_from_args(args) or 0)


def add_commands(sub, add_dataset_args, draw_imagined) -> None:
    """Register the store's sub-commands on the ``neuromem`` parser's ``sub``.

    ``draw_imagined(imagined, answer, path)`` writes the ``--imagine`` PNG (the
    figure code lives above the store, in ``neuromem.viz``).
    """
    from neuromem.store.memory import LearnConfig

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
                   help="concept layer size (default: the preset's, grown to 4 per concept when needed)")
    p.add_argument("--fit-concepts", default=None, help="NAMES|FRACTION: concepts the encoder parts are fitted on (as for encode); the memory learns all")
    p.set_defaults(func=_learn)

    p = sub.add_parser("recall", help="recall a concept from a picture, a written name or a sound")
    p.add_argument("--memory", required=True, help="memory folder written by learn")
    p.add_argument("--picture", default=None, help="picture file cue")
    p.add_argument("--name", default=None, help="written name cue")
    p.add_argument("--sound", default=None, help="sound file cue (WAV)")
    p.add_argument("--json", action="store_true", help="print only one JSON object")
    p.add_argument("--imagine", default=None, metavar="OUT.png",
                   help="with --name/--sound: draw the picture the engram completes, beside the nearest real ones")
    p.set_defaults(func=_recall, draw_imagined=draw_imagined)

    p = sub.add_parser("memory", help="inspect or extend a saved memory")
    msub = p.add_subparsers(dest="memory_command", required=True)
    s = msub.add_parser("show", help="concepts, items, engrams and hierarchy as a table")
    s.add_argument("dir", help="memory folder")
    s.set_defaults(func=_memory_show)
    a = msub.add_parser("add", help="add one picture (linked by locality, or a new concept learned one-shot)")
    a.add_argument("--memory", required=True, help="memory folder")
    a.add_argument("--picture", required=True, help="picture file")
    a.add_argument("--concept", default=None, help="concept name (a new name learns a new concept)")
    a.set_defaults(func=_memory_add)

    p = sub.add_parser("bench-store", help="concept-store scale benchmark (synthetic clustered latents)")
    from neuromem.store.bench import add_cli_arguments

    add_cli_arguments(p)
    p.set_defaults(func=_bench_store)
