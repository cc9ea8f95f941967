"""``neuromem learn``: encode a dataset, form engrams, build the concept store, save a memory."""

from __future__ import annotations

from pathlib import Path

from neuromem.cli.common import add_dataset_args, check_dataset_args, encode_request, log

SUMMARY = "encode a dataset, form engrams, build the concept store, save a memory"
DESCRIPTION = ("Encode a dataset (your own pictures as folder:PATH, one sub-folder per concept), show every concept "
               "K times to the spiking concept layer so engrams form, build the concept store and save the whole "
               "memory into --memory (a new generation, committed whole or not at all). When WordNet is installed "
               "the concepts also get WordNet parents (--thesaurus). Prints the memory as a table and the held-out "
               "accuracy.")
EXAMPLE = "neuromem learn --dataset folder:my_pictures --memory my_memory --presentations 3 --engine numba"


def add_arguments(p) -> None:
    from neuromem.store.learning import LearnConfig

    defaults = LearnConfig()
    add_dataset_args(p, seed=False, dataset_required=True,
                     dataset_help="digits, fashion-mnist, or folder:PATH (one folder per concept; nest folders for a "
                                  "hierarchy)",
                     fit_help="NAMES|FRACTION: concepts the encoder parts are fitted on (as for encode); the memory "
                              "learns all")
    p.add_argument("--memory", required=True, help="memory folder (created; a new generation is committed)")
    p.add_argument("--presentations", type=int, default=defaults.presentations,
                   help=f"presentations per concept (default {defaults.presentations})")
    p.add_argument("--engine", default=defaults.engine, help=f"engine name (default {defaults.engine})")
    p.add_argument("--preset", default=defaults.preset, help="network preset (default: default)")
    p.add_argument("--seed", type=int, default=defaults.seed, help=f"seed (default {defaults.seed})")
    p.add_argument("--thesaurus", choices=("auto", "on", "off"), default="auto",
                   help="give the concepts WordNet parents (the thesaurus route of recall, as `neuromem thesaurus`): "
                        "auto (default) when Debian's wordnet-base is installed, on: required (refused before any "
                        "work when missing), off: locality only (recall then skips the ImageNet head)")
    p.add_argument("--concept-neurons", type=int, default=None,
                   help="concept layer size (default: the preset's, grown to 4 per concept and doubled until every "
                        "concept has a neuron of its own)")


def run(args) -> int:
    import sys

    from neuromem.cli.memory import print_memory_table
    from neuromem.store.learning import LearnConfig, learn
    from neuromem.store.persist import check_writable

    config = LearnConfig(presentations=args.presentations, engine=args.engine, preset=args.preset, seed=args.seed,
                         concept_neurons=args.concept_neurons)
    check_dataset_args(args)
    memory_dir = Path(args.memory).expanduser()
    check_writable(memory_dir)  # before any work: read-only, a file, a folder that is not a memory
    if args.thesaurus == "on":
        from neuromem.data.wordnet import load_wordnet

        load_wordnet()  # a missing WordNet is refused (naming the Debian package) before any work
    say = (lambda m: None) if args.quiet else log
    say(f"learning {args.dataset} into {memory_dir}")
    request = encode_request(args, min_train=args.presentations)
    dataset = request.load(args.seed)
    mem = learn(dataset, config=config, encoder_config=request.config_for(dataset, args.seed),
                progress=not args.quiet, use_cache=not args.no_cache, log=say)
    from neuromem.store.thesaurus import attach_if_available

    say(attach_if_available(mem, args.thesaurus))
    gen = mem.save(memory_dir)
    print_memory_table(mem, sys.stdout)
    acc = mem.meta["heldout_accuracy"]
    if acc["n"]:
        print(f"held-out accuracy: {acc['correct']} of {acc['n']} held-out pictures ({acc['accuracy']:.2f}) recalled "
              "as their own concept, each with itself left out of the store")
    print(f"memory saved: {memory_dir} ({gen.name})")
    return 0
