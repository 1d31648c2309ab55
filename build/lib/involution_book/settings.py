"""The run's profile and the package's on-disk caches: one place for both.

``INVOLUTION_SMOKE`` selects the profile (how much data, how many epochs);
``INVOLUTION_CACHE`` is where trained models and benchmark results are kept,
one folder per profile, each entry named by a hash of everything that
determines it and written so that a reader never sees half an entry.
"""

import ast
import hashlib
import importlib
import inspect
import json
import os
import pkgutil
import shutil
import uuid
from pathlib import Path

SMOKE_ENV = "INVOLUTION_SMOKE"
CACHE_ENV = "INVOLUTION_CACHE"
PROFILES = ("full", "smoke")

# The smoke profile: enough images per class for every code path to run in seconds.
SMOKE_TRAIN_PER_CLASS = 50
SMOKE_TEST_PER_CLASS = 20
SMOKE_EPOCHS = 1


def profile():
    """"smoke" when ``INVOLUTION_SMOKE`` is set to 1/true/yes, else "full"."""
    value = os.environ.get(SMOKE_ENV, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return "full"
    if value in ("1", "true", "yes"):
        return "smoke"
    raise ValueError(
        f"{SMOKE_ENV}={os.environ[SMOKE_ENV]!r} is not understood; set it to 1 for "
        "the smoke profile or unset it for the full one."
    )


def check_profile(name):
    """``name``, checked to be one of :data:`PROFILES`."""
    if name not in PROFILES:
        raise ValueError(f"profile must be one of {PROFILES}, not {name!r}")
    return name


def epochs(full_epochs, profile_name):
    """The epochs a run trains for: ``full_epochs`` in the full profile, 1 in the smoke one."""
    return SMOKE_EPOCHS if check_profile(profile_name) == "smoke" else full_epochs


def cache_dir(override=None):
    """``override``, else ``$INVOLUTION_CACHE``, else ``$XDG_CACHE_HOME/involution``.

    Without ``XDG_CACHE_HOME``, that is ``~/.cache/involution``.
    """
    if override:
        return Path(override).expanduser()
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "involution"


def cache_path(profile_name, name, override=None):
    """Where the entry ``name`` of ``profile_name`` lives: its own folder per profile,
    so that nothing the smoke profile stores can serve a full run."""
    return cache_dir(override) / check_profile(profile_name) / name


def code_digest(*modules):
    """A hash of what the modules' code does: a cached result follows the code that made it.

    It hashes their syntax trees without docstrings, so an edit to a comment,
    a docstring or the layout leaves every cached result valid, and a change
    to what the code computes makes it stale.
    """
    trees = []
    for module in modules:
        tree = ast.parse(inspect.getsource(module))
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                    and body and isinstance(body[0], ast.Expr)
                    and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                node.body = body[1:] or [ast.Pass()]
        trees.append(ast.dump(tree))
    return hashlib.sha256("\n".join(trees).encode()).hexdigest()


def library_modules():
    """Every module of the ``involution`` library: what the layers and models compute."""
    import involution

    names = sorted(info.name for info in pkgutil.iter_modules(involution.__path__))
    return (involution, *(importlib.import_module(f"involution.{name}") for name in names))


def content_key(description):
    """A short hash of ``description`` (JSON-serializable), the backend and the Keras version."""
    import keras

    text = json.dumps(
        {**description, "backend": keras.backend.backend(), "keras": keras.__version__},
        sort_keys=True, default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def store_atomically(path, write):
    """Create ``path`` (a file or a folder) with ``write(staging)``, then move it in place.

    ``write`` creates ``staging``, a sibling of ``path``; a rename then replaces
    any old entry in one step, so a reader finds the old entry or the new one,
    never a partial one, and an interrupted write leaves nothing behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.parent / f".staging-{uuid.uuid4().hex}-{path.name}"
    try:
        write(staging)
        if path.is_dir():
            shutil.rmtree(path)
        os.replace(staging, path)
    finally:
        if staging.is_dir():
            shutil.rmtree(staging, ignore_errors=True)
        elif staging.exists():
            staging.unlink()
