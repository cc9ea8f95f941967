"""The command line as a package: every command described, one way to fail, a closed pipe, Ctrl-C, export."""

from __future__ import annotations

import argparse
import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "io"))
NEUROMEM = Path(sys.executable).with_name("neuromem")  # the installed command
ENV = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def _installed(*args, **kw):
    if not NEUROMEM.is_file():
        pytest.skip("the neuromem command is not installed next to this Python")
    return subprocess.run([str(NEUROMEM), *map(str, args)], capture_output=True, text=True, env=ENV, timeout=600,
                          **kw)


def _one_line(err: str) -> str:
    lines = [ln for ln in err.strip().splitlines() if ln.strip() and "warning" not in ln.lower()]
    assert len(lines) == 1, err
    return lines[0]


def _sub_parsers(parser, path=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield path + (name,), sub
                yield from _sub_parsers(sub, path + (name,))


# ---- every command says what it does and shows an example -------------------------------------------------------
def test_every_sub_command_help_has_a_paragraph_and_an_example():
    from neuromem.cli import build_parser

    missing = []
    for path, p in _sub_parsers(build_parser()):
        if not (p.description and len(p.description) >= 60 and p.description.rstrip().endswith((".", ")"))):
            missing.append((" ".join(path), "description"))
        if not (p.epilog and p.epilog.startswith("example:") and f"neuromem {path[0]}" in p.epilog):
            missing.append((" ".join(path), "example"))
    assert missing == []
    assert {"bench", "bench-store", "export", "memory show", "memory add", "run compare-binding"} <= {
        " ".join(path) for path, _ in _sub_parsers(build_parser())}


def test_help_shows_the_example_as_written(capsys):
    from neuromem.cli import main

    with pytest.raises(SystemExit):
        main(["memory", "add", "--help"])
    out = capsys.readouterr().out
    assert "example:\n  neuromem memory add --memory my_memory --picture another.png --concept ring" in out


# ---- a command is one module and one line -------------------------------------------------------------------------
TOY_COMMAND = '''
SUMMARY = "say hello"
DESCRIPTION = "Print hello to whoever --to names, once per --times."
EXAMPLE = "neuromem hello --to world"

def add_arguments(p):
    p.add_argument("--to", required=True)
    p.add_argument("--times", type=int, default=1)

def run(args):
    if args.times < 1:
        raise ValueError(f"--times {args.times} must be at least 1")
    for _ in range(args.times):
        print(f"hello {args.to}")
    return 0
'''


def test_a_command_is_one_module_and_one_line(tmp_path, monkeypatch, capsys):
    from neuromem.cli import COMMANDS, main

    (tmp_path / "nm_toy_command.py").write_text(textwrap.dedent(TOY_COMMAND))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(COMMANDS, "hello", "nm_toy_command")  # the one line
    try:
        assert main(["hello", "--to", "world", "--times", "2"]) == 0
        assert capsys.readouterr().out == "hello world\nhello world\n"
        assert main(["hello", "--to", "world", "--times", "0"]) == 2  # the one failure mechanism holds for it too
        assert _one_line(capsys.readouterr().err) == "neuromem hello: error: --times 0 must be at least 1"
    finally:
        sys.modules.pop("nm_toy_command", None)


# ---- failures end in one line ------------------------------------------------------------------------------------
def test_a_full_disk_in_any_command_is_one_line_exit_2(monkeypatch, capsys):
    import neuromem.engines as engines
    from neuromem.cli import main

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", "/data/cache/x.npz")

    monkeypatch.setattr(engines, "engine_status", full)
    assert main(["info"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("neuromem info: error: /data/cache/x.npz: No space left on device")
    assert "free disk space" in line


def test_an_unwritable_export_path_is_one_line_exit_2(results_dir, capsys):
    from neuromem.cli import main

    blocked = results_dir / "metrics.json" / "run.npz"  # a file where a folder should be
    assert main(["export", "--results", str(results_dir), "--format", "npz", "--out", str(blocked)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("neuromem export: error:") and "metrics.json" in line and "run the command again" in line


def test_output_into_a_closed_pipe_gives_no_traceback():
    """``neuromem info | head -0``: the reader is gone before the command writes (installed command)."""
    if not NEUROMEM.is_file():
        pytest.skip("the neuromem command is not installed next to this Python")
    for args, status in ((["info"], 141), (["--help"], 0), (["export", "--help"], 0)):
        proc = subprocess.Popen([str(NEUROMEM), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
        proc.stdout.close()  # the reader has gone
        err = proc.stderr.read().decode()
        proc.wait(timeout=300)
        assert "Traceback" not in err and "BrokenPipeError" not in err and "Exception ignored" not in err, err
        assert proc.returncode == status, (args, err)


def test_ctrl_c_in_a_command_outside_the_store_is_one_line_exit_130(tmp_path):
    """A real SIGINT while ``neuromem encode`` works (installed command, fresh process)."""
    if not NEUROMEM.is_file():
        pytest.skip("the neuromem command is not installed next to this Python")
    out = tmp_path / "encoded"
    proc = subprocess.Popen([str(NEUROMEM), "encode", "--dataset", "digits", "--no-spoken", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    try:
        first = proc.stdout.readline()  # the command has started its work
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=300)
    finally:
        proc.kill()
    assert first.startswith("loading dataset digits"), first
    assert proc.returncode == 130, err
    line = _one_line(err)
    assert line.startswith("neuromem encode: interrupted (Ctrl-C)") and "run the command again" in line


# ---- export ------------------------------------------------------------------------------------------------------
@pytest.fixture
def results_dir(tmp_path):
    from recording_sample import make_recording

    from neuromem.io import Results

    Results(metrics={"recall": 1.0}, recording=make_recording()).save(tmp_path / "run")
    return tmp_path / "run"


@pytest.mark.parametrize("fmt, library", [("neo", "nixio"), ("nwb", "pynwb")])
def test_export_from_the_command_line_round_trips(fmt, library, results_dir, tmp_path):
    pytest.importorskip(library)
    from recording_sample import make_recording

    from neuromem.io import FORMATS, read_recording

    r = _installed("export", "--results", results_dir, "--format", fmt)
    default = results_dir / f"recording{FORMATS[fmt].suffix}"
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"exported: {default} ({fmt})"
    assert read_recording(default).differences(make_recording()) == []

    from neuromem.cli import main

    elsewhere = tmp_path / "out" / f"run{FORMATS[fmt].suffix}"
    assert main(["export", "--results", str(results_dir), "--format", fmt, "--out", str(elsewhere)]) == 0
    assert read_recording(elsewhere).differences(make_recording()) == []


def test_export_without_the_extra_names_the_pip_install(results_dir, monkeypatch, capsys):
    from neuromem.cli import main
    from neuromem.io import FORMATS

    for fmt in ("neo", "nwb"):
        monkeypatch.setitem(FORMATS, fmt, FORMATS[fmt]._replace(requires=("not_installed_here",)))
        assert main(["export", "--results", str(results_dir), "--format", fmt]) == 2
        line = _one_line(capsys.readouterr().err)
        assert line.startswith("neuromem export: error:") and f"pip install 'neuromem[{fmt}]'" in line
    assert main(["export", "--results", str(results_dir), "--format", "hdf5"]) == 2
    assert "unknown format 'hdf5'; known formats: neo, npz, nwb" in _one_line(capsys.readouterr().err)


# ---- list options ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv, what", [
    (["bench", "--engines", "numba,numba", "--out", "x"], "--engines"),
    (["bench", "--sizes", "512x1000,,2048x4000", "--out", "x"], "--sizes"),
    (["bench-store", "--sizes", "1e4,1e4", "--out", "x"], "--sizes"),
    (["run", "engram-formation", "--controls", "untrained,untrained"], "--controls"),
    (["run", "compare-binding", "--binders", "hopfield,hopfield"], "--binders"),
    (["run", "binding-window", "--offsets-ms", "0,,50"], "--offsets-ms"),
])
def test_every_list_option_refuses_empty_and_repeated_entries(argv, what, capsys):
    from neuromem.cli import main

    with pytest.raises(SystemExit) as ex:
        main(argv)
    err = capsys.readouterr().err
    assert ex.value.code == 2 and what in err and ("repeats a value" in err or "empty entry" in err), err


def test_fit_concepts_names_refuse_repeats():
    from neuromem.data.concept_split import resolve_fit_concepts

    with pytest.raises(ValueError, match="repeats a value"):
        resolve_fit_concepts("zero,zero", ("zero", "one", "two"), seed=3)
    with pytest.raises(ValueError, match="empty entry"):
        resolve_fit_concepts("zero,,one", ("zero", "one", "two"), seed=3)


# ---- one seed: no interval ---------------------------------------------------------------------------------------
def test_one_seed_prints_no_interval_instead_of_nan(monkeypatch, tmp_path, capsys):
    import math

    import neuromem.experiments.binding_window.cli as bw
    from neuromem.cli import build_parser
    from neuromem.encoders.request import EncodeRequest

    nan = math.nan
    fake = {"onset_asynchrony_ms": [-50.0, 0.0, 50.0], "binding_half_width_ms": [nan, 50.0]}
    for k in bw.PER_OFFSET:
        fake[k], fake[k + "_ci95"] = [0.25, 0.5, 0.75], [nan, nan, nan]
    monkeypatch.setattr(bw, "run_binding_window", lambda *a, **k: fake)
    args = build_parser().parse_args(["run", "binding-window", "--seeds", "3", "--offsets-ms", "-50,0,50",
                                      "--engine", "numba", "--quiet", "--no-figures"])
    assert bw.main(args, EncodeRequest(dataset="digits"), tmp_path) == 0
    out = capsys.readouterr().out
    assert "one seed: no confidence interval" in out and "nan" not in out
    assert "0.500" in out
