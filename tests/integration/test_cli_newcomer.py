"""The command line as a newcomer meets it: checks before work, one-line errors, honest messages, clean output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from neuromem import cli


def _cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "neuromem.cli", *args], capture_output=True, text=True, **kw)


@pytest.fixture
def no_encoding(monkeypatch):
    """Any call into the encoder fails the test: the command must stop before it."""
    import neuromem.encoders as enc
    from neuromem.encoders.request import EncodeRequest

    def forbidden(*a, **k):
        raise AssertionError("encoding started")

    monkeypatch.setattr(enc, "encode_dataset", forbidden)
    monkeypatch.setattr(EncodeRequest, "encode", forbidden)


def _one_line_error(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]
    return err[0]


def test_presentations_zero_is_refused_before_encoding(no_encoding, tmp_path, capsys):
    status = cli.main(["run", "engram-formation", "--dataset", "digits", "--presentations", "0",
                       "--out", str(tmp_path / "o")])
    assert status == 2
    assert "--presentations 0 is out of range; allowed 1..100" in _one_line_error(capsys)


@pytest.mark.parametrize("command", [["run", "engram-formation", "--dataset", "digits"],
                                     ["encode", "--dataset", "digits"]])
def test_out_that_is_a_file_or_cannot_be_created_is_refused_before_work(no_encoding, tmp_path, capsys, command):
    existing = tmp_path / "metrics.txt"
    existing.write_text("keep me")
    assert cli.main(command + ["--out", str(existing)]) == 2
    assert f"--out {existing} is an existing file, not a folder" in _one_line_error(capsys)
    assert existing.read_text() == "keep me"
    assert cli.main(command + ["--out", str(existing / "sub")]) == 2
    assert f"--out {existing / 'sub'} cannot be created" in _one_line_error(capsys)


def test_run_without_out_writes_to_a_printed_default_folder(monkeypatch, tmp_path, capsys):
    from neuromem.encoders.request import EncodeRequest

    monkeypatch.chdir(tmp_path)
    seen = []

    def stop(*a, **k):  # the folder exists when the work starts; the failed run then removes it, still empty
        seen.extend(p.name for p in (tmp_path / "results").glob("engram-formation-*") if p.is_dir())
        raise ValueError("stop here")

    monkeypatch.setattr(EncodeRequest, "encode", stop)
    assert cli.main(["run", "engram-formation", "--dataset", "digits", "--quiet"]) == 2
    out = capsys.readouterr().out
    m = re.search(r"results will be written to results/(engram-formation-\d{8}-\d{6})", out)
    assert m and seen == [m.group(1)]
    assert not (tmp_path / "results" / m.group(1)).exists()


def test_version_info_and_help_texts(capsys):
    with pytest.raises(SystemExit) as ex:
        cli.main(["--version"])
    assert ex.value.code == 0 and capsys.readouterr().out.strip() == f"neuromem {cli._version('neuromem')}"
    assert cli.main(["info"]) == 0
    info = capsys.readouterr().out
    assert re.search(r"^  numba\s+\d+\.\d+", info, re.M) and re.search(r"^  Pillow\s+\d+\.", info, re.M)
    parser = cli.build_parser()
    assert "``" not in parser.format_help()
    sub = parser._subparsers._group_actions[0].choices
    demo_help = sub["demo"].format_help()
    assert "split and simulation seed" in demo_help and "no progress bars" in demo_help
    run_help = sub["run"]._subparsers._group_actions[0].choices["engram-formation"].format_help()
    assert "engram_results.npz" in run_help and "results.npz," not in run_help.replace("engram_results.npz,", "")


def test_figures_hint_and_demo_layout(tmp_path, capsys, digits_encoding):
    assert cli.main(["figures", "--results", str(tmp_path)]) == 2
    assert "`neuromem demo` writes both under results/demo/" in _one_line_error(capsys)
    digits_encoding.save(tmp_path / "demo" / "encode-digits")  # the layout `demo` writes
    assert cli.main(["figures", "--results", str(tmp_path / "demo")]) == 0
    assert (tmp_path / "demo" / "encode-digits" / "latent_space.png").stat().st_size > 1000


def test_folder_problems_are_reported_before_encoding_with_one_line_warnings(tmp_path):
    root = tmp_path / "pics"
    for c in ("cat", "dog"):
        (root / c).mkdir(parents=True)
        for i in range(5):
            Image.new("RGB", (8, 8), (i * 30, 0, 0)).save(root / c / f"{i}.png")
    (root / "cat" / "gone.jpg").symlink_to(tmp_path / "missing.jpg")
    r = _cli("run", "engram-formation", "--dataset", f"folder:{root}", "--out", str(tmp_path / "o"), "--quiet")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"neuromem: warning: skipping broken symbolic link {root / 'cat' / 'gone.jpg'}" in r.stderr
    assert f"{root / 'cat'}: 5 picture(s) -> 1 held out" in r.stderr and "--heldout-fraction" in r.stderr


def test_progress_output_in_a_pipe_has_no_bar_noise_and_says_from_cache(tmp_path, digits_encoding):
    r = _cli("encode", "--dataset", "digits", "--seed", "0", "--out", str(tmp_path / "e"), "--no-figures")
    assert r.returncode == 0, r.stderr
    for stream in (r.stdout, r.stderr):
        assert "\r" not in stream and "\x1b[" not in stream
    assert "latents for digits (seed 0) from cache" in r.stdout
    assert re.search(r"time: encoding \d+\.\d s, figures 0\.0 s, total \d+\.\d s", r.stdout)
    assert Path(tmp_path / "e" / "metrics.json").is_file()


def test_check_out_dir_creates_the_folder(tmp_path):
    assert cli.check_out_dir(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert (tmp_path / "a" / "b").is_dir()
    if os.geteuid() != 0:  # root may write anywhere
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        with pytest.raises(ValueError, match="cannot be created"):
            cli.check_out_dir(ro / "x")


@pytest.mark.parametrize("command", [["encode", "--dataset", "nope"], ["run", "engram-formation", "--dataset", "nope"],
                                     ["encode", "--dataset", "digits", "--fit-concepts", "1"]])
def test_bad_dataset_options_leave_no_empty_out_folder(tmp_path, capsys, command):
    out = tmp_path / "new"
    assert cli.main([*command, "--out", str(out), "--quiet"]) == 2
    assert "error" in _one_line_error(capsys)
    assert not out.exists()
    (tmp_path / "mine").mkdir()  # a folder the user made stays
    assert cli.main([*command, "--out", str(tmp_path / "mine"), "--quiet"]) == 2
    assert (tmp_path / "mine").is_dir()
