"""Profile, cache folder, content keys and atomic writes."""

from pathlib import Path

import keras
import pytest

from involution_book import settings


@pytest.mark.parametrize("value,expected", [
    (None, "full"), ("", "full"), ("0", "full"), ("no", "full"),
    ("1", "smoke"), ("true", "smoke"), (" YES ", "smoke"),
])
def test_profile_follows_the_variable(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(settings.SMOKE_ENV, raising=False)
    else:
        monkeypatch.setenv(settings.SMOKE_ENV, value)
    assert settings.profile() == expected


def test_bad_smoke_value_is_rejected(monkeypatch):
    monkeypatch.setenv(settings.SMOKE_ENV, "maybe")
    with pytest.raises(ValueError, match=r"INVOLUTION_SMOKE='maybe'.*set it to 1"):
        settings.profile()


def test_epochs_follow_the_profile_given_not_the_environment(monkeypatch):
    monkeypatch.setenv(settings.SMOKE_ENV, "1")
    assert settings.epochs(20, "full") == 20
    monkeypatch.delenv(settings.SMOKE_ENV)
    assert settings.epochs(20, "smoke") == settings.SMOKE_EPOCHS == 1
    with pytest.raises(ValueError, match="not 'quick'"):
        settings.epochs(20, "quick")


def test_cache_dir_argument_then_variable_then_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(settings.CACHE_ENV, raising=False)
    assert settings.cache_dir() == tmp_path / "xdg" / "involution"
    monkeypatch.setenv(settings.CACHE_ENV, str(tmp_path / "env"))
    assert settings.cache_dir() == tmp_path / "env"
    assert settings.cache_dir(tmp_path / "arg") == tmp_path / "arg"
    assert settings.cache_path("smoke", "x.json") == tmp_path / "env" / "smoke" / "x.json"


def test_content_key_follows_description_backend_and_keras_version(monkeypatch):
    key = settings.content_key({"a": 1})
    assert key == settings.content_key({"a": 1}) and len(key) == 20
    assert settings.content_key({"a": 2}) != key
    monkeypatch.setattr(keras, "__version__", "0.0.0")
    assert settings.content_key({"a": 1}) != key


def test_store_atomically_replaces_a_file_and_a_folder(tmp_path):
    target = tmp_path / "deep" / "entry.json"
    settings.store_atomically(target, lambda p: p.write_text("one"))
    settings.store_atomically(target, lambda p: p.write_text("two"))
    assert target.read_text() == "two"

    def folder(text):
        def write(path):
            path.mkdir()
            (path / "run.json").write_text(text)
        return write

    settings.store_atomically(tmp_path / "run", folder("old"))
    settings.store_atomically(tmp_path / "run", folder("new"))
    assert (tmp_path / "run" / "run.json").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep", "run"]


def test_an_interrupted_write_keeps_the_old_entry_and_leaves_nothing(tmp_path):
    settings.store_atomically(tmp_path / "entry.json", lambda p: p.write_text("old"))

    def fail(path: Path):
        path.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        settings.store_atomically(tmp_path / "entry.json", fail)
    assert (tmp_path / "entry.json").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["entry.json"]
