"""The facts a build states about itself."""

import json

import keras
import pytest

from helpers import tiny_dataset
from involution_book import provenance


def test_the_facts_describe_this_machine_and_this_data(tmp_path):
    record = tmp_path / "build-time.json"
    record.write_text(json.dumps({"seconds": 1234}))
    facts = provenance.describe(tiny_dataset(), record)
    assert facts["backend"] == keras.backend.backend()
    assert facts["keras"] == keras.__version__
    assert facts["cpus"] >= 1 and facts["cpu"]
    assert (facts["train_images"], facts["test_images"]) == (40, 20)
    assert facts["build_seconds"] == 1234.0
    assert len(facts["date"]) == 10 and facts["date"][4] == "-"


def test_no_record_means_no_build_time(tmp_path, monkeypatch):
    monkeypatch.delenv(provenance.BUILD_RECORD_ENV, raising=False)
    assert provenance.build_seconds() is None
    assert provenance.build_seconds(tmp_path / "missing.json") is None
    monkeypatch.setenv(provenance.BUILD_RECORD_ENV, str(tmp_path / "b.json"))
    (tmp_path / "b.json").write_text('{"seconds": 60}')
    assert provenance.build_seconds() == 60.0


def test_a_first_pass_record_has_no_build_time_yet(tmp_path):
    """``make book`` records the training before the build; the total comes after it."""
    record = tmp_path / "build-time.json"
    provenance.add_to_record(record, training={"conv/42": 12.5})
    assert provenance.build_seconds(record) is None


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"seconds": "soon"}'])
def test_a_broken_record_says_how_to_fix_it(tmp_path, content):
    record = tmp_path / "build-time.json"
    record.write_text(content)
    with pytest.raises(ValueError, match=r"build-time.json is not JSON of the form.*delete it"):
        provenance.build_seconds(record)


def test_a_missing_package_has_no_version():
    assert provenance.version("no-such-package-here") is None
    assert provenance.version("keras") == keras.__version__


def test_add_to_record_merges_fields_into_the_json_object(tmp_path):
    record = tmp_path / "sub" / "build-time.json"
    provenance.add_to_record(record, training={"conv/42": 12.5})
    provenance.add_to_record(record, seconds=30, chapters={"book/en/01.ipynb": 3.0})
    assert json.loads(record.read_text()) == {
        "training": {"conv/42": 12.5}, "seconds": 30, "chapters": {"book/en/01.ipynb": 3.0}}
    assert provenance.build_seconds(record) == 30.0
    record.write_text("[1, 2]")
    with pytest.raises(ValueError, match="does not hold a JSON object; delete it"):
        provenance.add_to_record(record, seconds=1)


def test_chapter_seconds_reads_the_execution_cache(tmp_path):
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(tmp_path / ".jupyter_cache")
    for name, seconds in (("a.ipynb", 1.25), ("sub/b.ipynb", 40.0)):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"print({seconds})")])
        nbformat.write(notebook, path)
        cache.cache_notebook_file(str(path), data={"execution_seconds": seconds},
                                  check_validity=False)
    assert provenance.chapter_seconds(tmp_path / ".jupyter_cache", root=tmp_path) == {
        "a.ipynb": 1.2, "sub/b.ipynb": 40.0}
