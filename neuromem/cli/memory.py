"""``neuromem memory show|add``: a saved memory as a table; one picture added to it."""

from __future__ import annotations

import sys
from pathlib import Path

from neuromem.cli.common import HelpFormatter

SUMMARY = "inspect or extend a saved memory"
DESCRIPTION = ("Work on a memory folder written by `neuromem learn`: `memory show` prints its concepts, items, "
               "engram neurons, hierarchy and association links (with their strength); `memory add` adds one "
               "picture: the novelty gate (decoder match error and the concept layer's response) links a familiar "
               "one to its concept or recruits new neurons (one-shot) for a new one; a new generation is saved.")
EXAMPLE = "neuromem memory show --memory my_memory"


def print_memory_table(mem, out=None) -> None:
    """The memory's concepts as a table (``learn`` and ``memory show`` print it)."""
    out = out or sys.stdout
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


def show(args) -> int:
    from neuromem.store.memory import load_memory

    if (args.memory is None) == (args.dir is None):
        raise ValueError("give the memory folder once: memory show --memory DIR (or memory show DIR)")
    mem = load_memory(args.memory or args.dir)
    print_memory_table(mem)
    g = mem.store.hierarchy
    roots = [n for n in g.nodes if g.in_degree(n) == 0 and g.out_degree(n) > 0]
    for r in roots:
        print(f"hierarchy: {r} -> " + ", ".join(sorted(mem.store.descendants(r))))
    from neuromem.store.associations import association_links

    for link in association_links(mem.store):
        strength = "strength not recorded" if link["strength"] is None else f"strength {link['strength']:.2f}"
        print(f"association: {link['a']} -- {link['b']} ({strength})")
    return 0


def add(args) -> int:
    from neuromem.store.memory import load_memory
    from neuromem.store.persist import check_writable

    if not Path(args.picture).expanduser().is_file():
        raise FileNotFoundError(f"picture file {args.picture} does not exist")
    mem = load_memory(args.memory)
    check_writable(args.memory)  # before any work: a read-only memory is refused here, not after learning
    ans = mem.add_picture(args.picture, concept=args.concept)
    gen = mem.save(args.memory)
    if args.json:
        import json

        print(json.dumps({**ans, "saved": gen.name}))
        return 0
    if ans["new_concept"]:
        how = "new: learned one-shot as the new concept"
    elif ans["gate_decision"] == "recruit":
        how = "new: recruited neurons for"
    else:
        how = "familiar: linked to"
    if ans["warning"]:
        print(f"neuromem: warning: {ans['warning']}", file=sys.stderr)
    score = "" if ans["novelty_score"] is None else (f", novelty score {ans['novelty_score']:.2f} vs "
                                                      f"{ans['novelty_threshold']:.2f}")
    print(f"{args.picture}: {how} {ans['added_to']!r} (nearest {ans['concept']!r}, distance {ans['distance']:.3f}, "
          f"match error {ans['match_error']:.4f}{score}); saved {gen.name}")
    if ans["thesaurus_nodes"] is not None:
        parents = f"; WordNet parents: {' -> '.join(ans['thesaurus_parents'])}" if ans["thesaurus_parents"] else ""
        print(f"linked by: {ans['link_route']} (thesaurus nodes: {', '.join(ans['thesaurus_nodes']) or 'none'}"
              f"{parents})")
    return 0


def add_arguments(p) -> None:
    msub = p.add_subparsers(dest="memory_command", required=True, metavar="{show,add}")
    fmt = HelpFormatter
    s = msub.add_parser("show", help="concepts, items, engrams, hierarchy and associations as a table",
                        formatter_class=fmt,
                        description="Print a saved memory as a table: each concept with its pictures, written and "
                                    "spoken names, engram neurons, parents and children; then the link radius, the "
                                    "match error threshold, the hierarchy and the association links with their "
                                    "strength.",
                        epilog="example:\n  neuromem memory show --memory my_memory")
    s.add_argument("--memory", default=None, help="memory folder (as for every other command)")
    s.add_argument("dir", nargs="?", default=None, help="memory folder (the same as --memory)")
    s.set_defaults(memory_func=show)
    a = msub.add_parser("add", help="add one picture (linked by locality, or a new concept learned one-shot)",
                        formatter_class=fmt,
                        description="Add one picture to a saved memory. The novelty gate (decoder match error "
                                    "and the concept layer's response) decides: a familiar picture is linked to the "
                                    "concept it matches, whose engram is strengthened (a warning when --concept names "
                                    "another one); a new picture recruits neurons for --concept NAME (a new name: a "
                                    "new concept learned one-shot; without --concept it is refused). A new "
                                    "generation of the memory is saved.",
                        epilog="example:\n  neuromem memory add --memory my_memory --picture another.png --concept ring")
    a.add_argument("--memory", required=True, help="memory folder")
    a.add_argument("--picture", required=True, help="picture file")
    a.add_argument("--concept", default=None, help="concept name for a new picture (a new name learns a new concept)")
    a.add_argument("--json", action="store_true",
                   help="print only one JSON object (with link_route: locality, thesaurus, both or none)")
    a.set_defaults(memory_func=add)


def run(args) -> int:
    return args.memory_func(args)
