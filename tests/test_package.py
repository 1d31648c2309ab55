"""The library apart from the book: what ``import involution`` brings, and what it declares."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import involution

LIBRARY = Path(involution.__file__).parent


def test_public_names_are_declared_and_importable():
    assert sorted(involution.__all__) == [
        "GlobalSelfAttention", "Involution", "LocalSelfAttention", "costs", "models"]
    for name in involution.__all__:
        assert getattr(involution, name) is not None


@pytest.mark.parametrize("path", sorted(LIBRARY.glob("*.py")), ids=lambda p: p.name)
def test_the_library_never_imports_the_book_or_plotting(path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            imported.add(node.module.split(".")[0])
    standard = {"dataclasses", "functools", "importlib", "inspect", "math", "typing"}
    # TensorFlow only inside the function that compiles the engine on that backend
    assert imported <= {"involution", "keras", "numpy", "tensorflow"} | standard, imported


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_importing_the_library_loads_nothing_beyond_keras(backend):
    """Whatever ``import keras`` loads (its backend, and what Keras itself picks up), and the
    library's own modules: no other framework, no plotting, nothing of the book's; no output."""
    code = (
        "import sys, json; import keras; before = {m.split('.')[0] for m in sys.modules}; "
        "import involution; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} - "
        "before)))"
    )
    env = {**os.environ, "KERAS_BACKEND": backend}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=True)
    assert json.loads(result.stdout) == ["involution"]


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_a_missing_backend_says_which_and_how_to_install_one(backend):
    """``pip install involution`` alone brings Keras without a backend: the import says so."""
    code = (
        "import sys\n"
        "class Absent:\n"
        "    def find_spec(name, path=None, target=None):\n"
        f"        if name.split('.')[0] == {backend!r}:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Absent)\n"
        "import involution\n"
    )
    env = {**os.environ, "KERAS_BACKEND": backend}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: involution runs on Keras 3"), last
    assert f"could not import '{backend}'" in last
    assert 'pip install "involution[tensorflow]" (or [jax], [torch])' in last
