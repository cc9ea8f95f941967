"""``neuromem thesaurus``: give a saved memory's concepts WordNet parents and turn on the thesaurus route."""

from __future__ import annotations

SUMMARY = "give a memory's concepts WordNet parents (the thesaurus route of recall)"
DESCRIPTION = ("Attach WordNet 3.0 to a memory folder written by `neuromem learn`: each concept gets its WordNet "
               "synset and the synsets above it as hierarchy parents (sneaker -> shoe -> footwear), merged by name "
               "with the folder-declared hierarchy, and a new generation is saved. From then on `neuromem recall` "
               "also links a picture through the backbone's own ImageNet classes and their WordNet hypernyms, and "
               "reports the route that linked it (link_route: locality, thesaurus, both or none). Needs Debian's "
               "wordnet-base and wordnet-sense-index (tools/setup.sh installs them); nothing is downloaded.")
EXAMPLE = "neuromem thesaurus --memory my_memory"


def add_arguments(p) -> None:
    from neuromem.store.thesaurus import DEFAULT_CLASSIFY_SIZE_PX, DEFAULT_DEPTH, DEFAULT_TOP_K

    p.add_argument("--memory", required=True, help="memory folder written by learn")
    p.add_argument("--top-k", type=int, default=DEFAULT_TOP_K,
                   help="ImageNet classes kept per picture cue, 1..50 (chosen on Fashion-MNIST seeds 0-2)")
    p.add_argument("--classify-size", type=int, default=DEFAULT_CLASSIFY_SIZE_PX, metavar="PX",
                   help="side in pixels of the picture given to the ImageNet head, 32..320")
    p.add_argument("--invert", action="store_true",
                   help="give the head inverted pictures (light objects on a dark ground, as in Fashion-MNIST)")
    p.add_argument("--depth", type=int, default=DEFAULT_DEPTH, help="WordNet parents added above a concept, 1..6")


def check_args(args) -> None:
    for flag, v, lo, hi in (("--top-k", args.top_k, 1, 50), ("--classify-size", args.classify_size, 32, 320),
                            ("--depth", args.depth, 1, 6)):
        if not lo <= v <= hi:
            raise ValueError(f"{flag} {v} is out of range; allowed {lo}..{hi}")


def run(args) -> int:
    from neuromem.data.wordnet import load_wordnet
    from neuromem.store.memory import load_memory
    from neuromem.store.persist import check_writable
    from neuromem.store.thesaurus import attach_thesaurus

    check_args(args)
    wordnet = load_wordnet()  # a missing WordNet is refused before the memory is touched
    mem = load_memory(args.memory)
    check_writable(args.memory)
    added = attach_thesaurus(mem, wordnet, top_k=args.top_k, classify_size_px=args.classify_size,
                             invert=args.invert, depth=args.depth)
    gen = mem.save(args.memory)
    for concept, a in added.items():
        chain = " -> ".join([concept] + a["parents"]) if a["synset"] else "no WordNet synset (locality only)"
        print(f"{concept}: {a['synset'] or '-'}  {chain}")
    print(f"thesaurus: top {args.top_k} ImageNet classes at {args.classify_size} px"
          f"{' (inverted)' if args.invert else ''}; saved {gen.name}")
    return 0
