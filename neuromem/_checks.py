"""Small checks every layer shares: one int test, one list-option parser.

Importing this module imports the standard library only.
"""

from __future__ import annotations

import argparse
import numbers

__all__ = ["is_int", "parse_list", "list_option"]


def is_int(value) -> bool:
    """Whether ``value`` is an integer (Python or numpy), and not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def parse_list(text: str, cast=int, *, what: str = "values", example: str = "3,4,5", minimum=None) -> tuple:
    """``"a,b,c"`` -> a tuple of ``cast`` values, for every comma-separated list option.

    Empty text, empty entries (``"1,,5"``), unreadable entries, repeated
    values (compared after ``cast``, so ``"1,1.0"`` repeats for floats) and
    values below ``minimum`` are refused.

    Parameters
    ----------
    text : str
    cast : callable
        ``int``, ``float``, ``str`` or any callable raising ``ValueError`` on a bad entry (its
        message is then the error's).
    what : str
        What the list holds, for the message (e.g. ``"--seeds"``).
    example : str
        A valid value, shown in the message.
    minimum : number, optional
        Smallest allowed value.

    Raises
    ------
    ValueError
        With one line naming the problem and an example.
    """
    parts = [x.strip() for x in str(text).split(",")]
    if not any(parts):
        raise ValueError(f"{what} is empty; give a comma-separated list, e.g. {example}")
    if any(not x for x in parts):
        raise ValueError(f"{what} {text!r} has an empty entry; write e.g. {example}")
    try:
        vals = tuple(cast(x) for x in parts)
    except (TypeError, ValueError) as exc:
        if cast not in (int, float, str):  # a parser of its own says what is wrong with the entry
            raise ValueError(str(exc)) from None
        raise ValueError(f"{what} {text!r} is not a comma-separated list of the right kind; write e.g. "
                         f"{example}") from None
    if len(set(vals)) != len(vals):
        raise ValueError(f"{what} {text!r} repeats a value; give each once")
    if minimum is not None:
        low = [v for v in vals if v < minimum]
        if low:
            raise ValueError(f"{what} values must be >= {minimum}; got {', '.join(map(str, low))}")
    return vals


def list_option(cast=int, *, what: str, example: str, minimum=None):
    """An argparse ``type=`` for a list option: :func:`parse_list` with argparse's error type."""
    def parse(text: str) -> tuple:
        try:
            return parse_list(text, cast, what=what, example=example, minimum=minimum)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = what.lstrip("-").replace("-", "_") + "_list"
    return parse
