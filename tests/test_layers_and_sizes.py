"""What import-linter cannot see: the protocol calls no runtime object (duck-typed calls included)."""

from __future__ import annotations

import ast
import inspect
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROTOCOLS = ROOT / "neuromem" / "protocols.py"


def _layers() -> list[set[str]]:
    """The import-linter layers of pyproject.toml, top down, each a set of module names."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c for c in conf if c["type"] == "layers")["layers"]
    return [set(re.findall(r"neuromem(?:\.\w+)+", layer)) for layer in layers]


def _layer_of(module: str, layers) -> int | None:
    for i, names in enumerate(layers):
        if any(module == n or module.startswith(n + ".") for n in names):
            return i
    return None


def upward_imports(source: str, module: str) -> list[str]:
    """neuromem modules imported by ``source`` (the module ``module``) from its own layer or above."""
    layers = _layers()
    own = _layer_of(module, layers)
    out = []
    for node in ast.walk(ast.parse(source)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        for name in names:
            if name.startswith("neuromem") and name != module:
                where = _layer_of(name, layers)
                if where is not None and where <= own:
                    out.append(name)
    return out


def _runtime_methods() -> set[str]:
    from neuromem.engines.base import Engine
    from neuromem.engram import EngramNetwork
    from neuromem.latents import LatentSpace, ModalityLatents
    from neuromem.session import Session

    def public(cls):
        return {n for n, _ in inspect.getmembers(cls) if not n.startswith("_")}

    return (public(EngramNetwork) | public(Session) | public(Engine)) - public(LatentSpace) - public(ModalityLatents)


def runtime_calls(source: str) -> list[str]:
    """Calls of a runtime object's methods on a function parameter, and parameters named after runtime objects."""
    methods = _runtime_methods()
    out = []
    for fn in ast.walk(ast.parse(source)):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        params = {a.arg for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs} - {"self", "cls"}
        out += [f"{fn.name}({p})" for p in params if p in ("net", "network", "engine", "session")]
        for call in ast.walk(fn):
            f = getattr(call, "func", None) if isinstance(call, ast.Call) else None
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in params \
                    and f.attr in methods:
                out.append(f"{fn.name}: {f.value.id}.{f.attr}()")
    return out


#: What protocols.py held before the session took over (a duck-typed call three floors up).
_OLD_PROTOCOL = '''
from neuromem.engram import EngramNetwork

class TrialSequence:
    def rates(self, net, space):
        out = net.background()
        return net.rates(self.stimuli(space, [0]))

def drive_of(trials, model):
    return model.drive(trials)
'''


def test_protocol_imports_nothing_above_it_and_calls_no_runtime_object():
    source = PROTOCOLS.read_text()
    assert upward_imports(source, "neuromem.protocols") == []
    assert runtime_calls(source) == []


def test_the_protocol_checks_catch_the_old_protocol():
    assert upward_imports(_OLD_PROTOCOL, "neuromem.protocols") == ["neuromem.engram"]
    found = runtime_calls(_OLD_PROTOCOL)
    assert "rates(net)" in found and "rates: net.background()" in found and "rates: net.rates()" in found
    assert "drive_of: model.drive()" in found  # any parameter name: the method names a runtime object's method


def test_protocol_sits_below_the_runtime_layer():
    layers = _layers()
    assert _layer_of("neuromem.protocols", layers) > _layer_of("neuromem.session", layers)
    assert _layer_of("neuromem.protocols", layers) > _layer_of("neuromem.engines", layers)
