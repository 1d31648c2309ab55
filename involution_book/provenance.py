"""Where and how a build of the book ran: the machine, the software, the data, the time.

Times and accuracies mean little without their circumstances, so the book
states them, read from the build that produced them. ``make book`` times a
build that executes every page and writes the seconds to the file named by
``INVOLUTION_BUILD_RECORD``; :func:`build_seconds` reads it back.
"""

import datetime
import json
import os
import platform
from importlib import metadata
from pathlib import Path

BUILD_RECORD_ENV = "INVOLUTION_BUILD_RECORD"


def cpu_model():
    """The processor's model name from /proc/cpuinfo, else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_count():
    """The cores this process may run on (a container's share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count()


def version(package):
    """The installed version of ``package``, or None where it is not installed."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def build_seconds(record=None):
    """Wall-clock seconds of the last build that executed every page, or None.

    ``record`` (else ``$INVOLUTION_BUILD_RECORD``) is the JSON file ``make book``
    writes during and after such a build: ``{"training": ..., "seconds": ...,
    "chapters": ...}``. None where there is no record, as in Colab or in the
    smoke build, or where it has no ``seconds`` yet, as on a build's first pass
    (the training has recorded its part, the whole is not measured yet).
    """
    record = record or os.environ.get(BUILD_RECORD_ENV)
    if not record or not Path(record).is_file():
        return None
    try:
        content = json.loads(Path(record).read_text())
        if not isinstance(content, dict):
            raise TypeError("not a JSON object")
        return None if "seconds" not in content else float(content["seconds"])
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"The build record {record} is not JSON of the form {{\"seconds\": 1234}} "
            f"({error}); delete it and build again."
        ) from None


def add_to_record(record, **fields):
    """Merge ``fields`` into the JSON object in ``record`` (created if missing).

    The build's timing file collects what each step measured: the training
    before the build, the chapters, the whole build's seconds.
    """
    path = Path(record)
    content = json.loads(path.read_text()) if path.is_file() else {}
    if not isinstance(content, dict):
        raise ValueError(f"The build record {record} does not hold a JSON object; delete it.")
    content.update(fields)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=1) + "\n")


def chapter_seconds(execution_cache, root="."):
    """Seconds each notebook took to execute, from Jupyter Book's execution cache.

    ``execution_cache`` is the build's ``.jupyter_cache``; notebooks are named by
    their path under ``root``. A notebook executed more than once keeps its last time.
    """
    from jupyter_cache import get_cache

    records = sorted(get_cache(execution_cache).list_cache_records(), key=lambda r: r.created)
    root = Path(root).resolve()
    seconds = {}
    for record in records:
        path = Path(record.uri).resolve()
        name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        seconds[name] = round(float(record.data.get("execution_seconds", 0)), 1)
    return seconds


def describe(dataset, record=None):
    """The facts of this build, as a dict: date, CPU, software, data and build time."""
    import keras

    return {
        "date": datetime.date.today().isoformat(),
        "cpu": cpu_model(),
        "cpus": cpu_count(),
        "backend": keras.backend.backend(),
        "keras": keras.__version__,
        "tensorflow": version("tensorflow"),
        "train_images": len(dataset.x_train),
        "test_images": len(dataset.x_test),
        "profile": dataset.profile,
        "build_seconds": build_seconds(record),
    }
