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


def test_a_broken_record_says_how_to_fix_it(tmp_path):
    record = tmp_path / "build-time.json"
    record.write_text("{}")
    with pytest.raises(ValueError, match=r"build-time.json is not JSON of the form.*delete it"):
        provenance.build_seconds(record)


def test_a_missing_package_has_no_version():
    assert provenance.version("no-such-package-here") is None
    assert provenance.version("keras") == keras.__version__
