"""Named experiments: settings defined once, epochs from the dataset's profile, one cache entry."""

import dataclasses

import pytest

from helpers import write_npz
from involution_book import data, experiments, settings


@pytest.fixture
def cifar(tmp_path, monkeypatch):
    write_npz(tmp_path / "c.npz", n_train=30, n_test=10)
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "c.npz"))
    monkeypatch.setenv(settings.CACHE_ENV, str(tmp_path / "cache"))


def test_every_experiment_builds_its_own_model():
    names = {name: e.build_model().name for name, e in experiments.EXPERIMENTS.items()}
    assert names == {
        "conv": "conv_classifier", "involution": "involution_classifier",
        "rednet": "rednet_classifier", "resnet": "resnet_classifier", "cnn": "conv_classifier",
        "sa_conv": "sa_conv", "sa_depthwise": "sa_depthwise", "sa_involution": "sa_involution",
        "sa_attention": "sa_attention",
    }


def test_epochs_follow_the_dataset_not_the_environment(cifar, monkeypatch):
    short = dataclasses.replace(experiments.get("sa_conv"), epochs=2)
    monkeypatch.setenv(settings.SMOKE_ENV, "1")
    full = short.train(data.load_dataset("full"), print_fn=lambda _: None)
    monkeypatch.delenv(settings.SMOKE_ENV)
    smoke = short.train(data.load_dataset("smoke"), print_fn=lambda _: None)
    assert len(full.history["loss"]) == 2 and len(smoke.history["loss"]) == 1


def test_a_chapter_loading_another_chapters_model_hits_its_cache_entry(cifar):
    dataset = data.load_dataset("smoke")
    trained = experiments.train("involution", dataset, print_fn=lambda _: None)
    loaded = experiments.train("involution", dataset, print_fn=lambda _: None)
    other_seed = experiments.train("involution", dataset, seed=7, print_fn=lambda _: None)
    assert not trained.from_cache and loaded.from_cache and not other_seed.from_cache
    assert loaded.history == trained.history


def test_the_schedule_reaches_the_optimizer(cifar):
    run = experiments.train("resnet", data.load_dataset("smoke"), print_fn=lambda _: None)
    schedule = run.model.optimizer.get_config()["learning_rate"]
    peak = schedule["config"]["warmup_target"] or schedule["config"]["initial_learning_rate"]
    assert schedule["class_name"] == "CosineDecay"
    assert peak == pytest.approx(experiments.get("resnet").learning_rate)


def test_chapter_7s_three_networks_share_one_recipe_and_their_seeds():
    recipe = {name: dataclasses.replace(experiments.get(name), name="", build_model=None,
                                        description="") for name in ("rednet", "resnet", "cnn")}
    assert recipe["rednet"] == recipe["resnet"] == recipe["cnn"]
    assert recipe["cnn"].seeds == experiments.SEEDS and recipe["cnn"].schedule == "cosine"


def test_an_unknown_experiment_lists_the_names():
    with pytest.raises(ValueError,
                       match=r"Unknown experiment 'vit'; choose one of \['cnn', 'conv'"):
        experiments.get("vit")


def test_seeds_train_in_the_full_profile_and_only_the_first_in_smoke(cifar):
    short = dataclasses.replace(experiments.get("involution"), epochs=1)
    assert short.seeds == experiments.SEEDS and short.seeds[0] == 42
    assert short.seeds_for("full") == experiments.SEEDS
    assert short.seeds_for("smoke") == (42,)
    result = short.train_seeds(data.load_dataset("full"), print_fn=lambda _: None)
    assert result.seeds == experiments.SEEDS and len(result.runs) == len(experiments.SEEDS)
    # every seed has its own cache entry, and the first is the single run other chapters load
    again = short.train_seeds(data.load_dataset("full"), print_fn=lambda _: None)
    assert all(run.from_cache for run in again.runs)
    assert short.train(data.load_dataset("full"), print_fn=lambda _: None).from_cache
    assert len({tuple(run.history["loss"]) for run in result.runs}) == len(experiments.SEEDS)
    assert experiments.train_seeds("sa_conv", data.load_dataset("smoke"),
                                   print_fn=lambda _: None).seeds == (42,)
