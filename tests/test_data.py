"""CIFAR-10 loading: the INVOLUTION_DATA file, its errors, the smoke slice, class names."""

import numpy as np
import pytest

from helpers import write_npz
from involution_book import data, settings


def test_reads_the_file_named_by_the_environment(tmp_path, monkeypatch):
    arrays = write_npz(tmp_path / "c.npz")
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "c.npz"))
    (x_train, y_train), (x_test, y_test) = data.load_cifar10()
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert x_train.dtype == np.uint8 and y_train.shape == (40, 1)


def test_full_profile_scales_to_unit_range(tmp_path, monkeypatch):
    arrays = write_npz(tmp_path / "c.npz")
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "c.npz"))
    monkeypatch.delenv(settings.SMOKE_ENV, raising=False)
    ds = data.load_dataset()
    assert ds.profile == "full" and ds.x_train.dtype == np.float32
    np.testing.assert_allclose(ds.x_test * 255, arrays["x_test"], atol=1e-4)


def test_smoke_profile_takes_a_class_balanced_slice(tmp_path, monkeypatch):
    per_class = settings.SMOKE_TRAIN_PER_CLASS
    n = 10 * per_class + 30
    labels = np.random.default_rng(1).permutation(np.arange(n) % 10).astype(np.uint8)
    write_npz(tmp_path / "c.npz", n_train=n, y_train=labels.reshape(-1, 1))
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "c.npz"))
    monkeypatch.setenv(settings.SMOKE_ENV, "1")
    ds = data.load_dataset()
    assert ds.profile == "smoke"
    assert np.bincount(ds.y_train.reshape(-1)).tolist() == [per_class] * 10


def test_fingerprint_follows_the_data(tmp_path, monkeypatch):
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "c.npz"))
    write_npz(tmp_path / "c.npz")
    first = data.load_dataset("full").fingerprint
    assert data.load_dataset("full").fingerprint == first
    write_npz(tmp_path / "c.npz", n_test=30)
    assert data.load_dataset("full").fingerprint != first


def test_missing_file_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "nowhere.npz"))
    with pytest.raises(data.DataError, match=r"nowhere\.npz.*not a file.*unset it"):
        data.load_cifar10()


def test_corrupt_file_says_what_to_do(tmp_path, monkeypatch):
    path = tmp_path / "bad.npz"
    path.write_bytes(b"PK\x03\x04 this is no zip archive")
    monkeypatch.setenv(data.DATA_ENV, str(path))
    with pytest.raises(data.DataError, match=r"could not be read as a \.npz.*intact copy"):
        data.load_cifar10()


def test_file_without_an_array_names_it(tmp_path, monkeypatch):
    write_npz(tmp_path / "c.npz", y_test=None)
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "c.npz"))
    with pytest.raises(data.DataError, match=r"lacks the arrays \['y_test'\]"):
        data.load_cifar10()


def test_wrong_image_shape_is_reported(tmp_path, monkeypatch):
    write_npz(tmp_path / "c.npz", x_train=np.zeros((40, 28, 28), np.uint8))
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "c.npz"))
    with pytest.raises(data.DataError, match=r"train arrays of shapes \(40, 28, 28\)"):
        data.load_cifar10()


def test_offline_download_failure_points_to_the_variable(monkeypatch):
    import keras

    def offline():
        raise OSError("Temporary failure in name resolution")

    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.setattr(keras.datasets.cifar10, "load_data", offline)
    message = r"Downloading CIFAR-10 failed.*name resolution.*INVOLUTION_DATA"
    with pytest.raises(data.DataError, match=message):
        data.load_cifar10()


def test_an_unknown_profile_is_refused(tmp_path, monkeypatch):
    write_npz(tmp_path / "c.npz")
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "c.npz"))
    with pytest.raises(ValueError, match=r"profile must be one of \('full', 'smoke'\), not 'tiny'"):
        data.load_dataset("tiny")


def test_class_names_in_both_languages():
    assert data.class_names("en")[0] == "airplane" and data.class_names("en")[9] == "truck"
    assert data.class_names("zh-tw")[3] == "貓"
    assert len(set(data.class_names("zh-tw"))) == 10
    with pytest.raises(ValueError, match="'fr'"):
        data.class_names("fr")
