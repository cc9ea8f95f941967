"""The dataset registry: one line per dataset, each declaring its own options.

A dataset is a loader ``load(argument, *, seed, heldout_fraction, min_train,
**options) -> ConceptDataset`` plus a :class:`DatasetEntry` line in
:data:`DATASETS` (or one :func:`register_dataset` call). ``argument`` is
what follows the colon of a name such as ``folder:PATH`` (None for a plain
name); ``options`` are the dataset's own options (:class:`DatasetOption`),
which the command line adds to every command that reads a dataset (``neuromem
encode``, ``learn``, ``run``) and passes on only to the dataset that declares
them. Loaders are imported when used.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, NamedTuple

__all__ = ["DATASETS", "DatasetEntry", "DatasetOption", "dataset_entry", "dataset_names", "dataset_options",
           "load_registered", "register_dataset"]


class DatasetOption(NamedTuple):
    """One option a dataset declares (a command-line flag and a keyword of its loader).

    Parameters
    ----------
    name : str
        Keyword of the loader; the flag is ``--`` + ``name`` with ``-`` for ``_``.
    type : callable
        Converts the command-line text (``int``, ``str``, a :func:`neuromem._checks.list_option`).
    help : str
        One line for ``--help``.
    default : object
        Value when the option is not given (None: the loader's own default).
    metavar : str, optional
    """

    name: str
    type: Callable = str
    help: str = ""
    default: Any = None
    metavar: str | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


class DatasetEntry(NamedTuple):
    """One registered dataset.

    Parameters
    ----------
    loader : str
        ``"module:function"``, the function as the module docstring describes it.
    summary : str
        One line for ``--help`` (what it is, what it needs).
    takes_argument : bool
        Whether the name carries an argument after a colon (``folder:PATH``).
    options : tuple of DatasetOption
        The dataset's own options.
    """

    loader: str
    summary: str = ""
    takes_argument: bool = False
    options: tuple = ()


#: name -> entry; the one place datasets are registered.
DATASETS: dict[str, DatasetEntry] = {
    "digits": DatasetEntry("neuromem.data.builtin:load_digits_dataset", "digits (embedded, 1,797 8x8 pictures)"),
    "fashion-mnist": DatasetEntry(
        "neuromem.data.builtin:load_fashion_dataset", "fashion-mnist (Debian package or a folder of idx files)",
        options=(DatasetOption("per_concept", int, "fashion-mnist: pictures per concept (default 1200; 0 = all 7000)"),
                 DatasetOption("data_dir", str, "fashion-mnist: folder with the idx files"))),
    "folder": DatasetEntry("neuromem.data.folder:load_folder_dataset",
                           "folder:PATH (one sub-folder per concept; nest folders for a hierarchy)",
                           takes_argument=True),
}


def register_dataset(name: str, loader: str, *, summary: str = "", takes_argument: bool = False,
                     options=()) -> None:
    """Register (or replace) a dataset at run time (see :class:`DatasetEntry`)."""
    if ":" not in str(loader):
        raise ValueError(f"loader={loader!r} must be 'module:function'")
    DATASETS[str(name)] = DatasetEntry(str(loader), summary, bool(takes_argument), tuple(options))


def dataset_names() -> list[str]:
    """How each dataset is named on the command line (``folder:PATH`` for one taking an argument)."""
    return [f"{n}:PATH" if e.takes_argument else n for n, e in DATASETS.items()]


def dataset_entry(name: str) -> tuple[str, DatasetEntry, str | None]:
    """``(registered name, entry, argument)`` of a dataset name such as ``digits`` or ``folder:~/faces``.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones) or a missing argument.
    """
    base, sep, argument = str(name).partition(":")
    entry = DATASETS.get(base)
    if entry is None or (sep and not entry.takes_argument):
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(dataset_names())}")
    if entry.takes_argument and not argument:
        raise ValueError(f"{base} datasets are named {base}:PATH, e.g. {base}:~/faces")
    return base, entry, (argument if entry.takes_argument else None)


def dataset_options() -> list[DatasetOption]:
    """Every registered dataset's options, each flag once (two datasets may share one)."""
    seen, out = set(), []
    for entry in DATASETS.values():
        for opt in entry.options:
            if opt.name not in seen:
                seen.add(opt.name)
                out.append(opt)
    return out


def load_registered(name: str, *, seed: int = 0, heldout_fraction: float | None = None, min_train: int = 1,
                    **options):
    """Load dataset ``name`` with the options it declares (options it does not declare, or None, are dropped)."""
    _, entry, argument = dataset_entry(name)
    module, _, func = entry.loader.partition(":")
    load = getattr(importlib.import_module(module), func)
    own = {o.name for o in entry.options}
    kwargs = {k: v for k, v in options.items() if k in own and v is not None}
    return load(argument, seed=seed, heldout_fraction=heldout_fraction, min_train=min_train, **kwargs)
