"""The book's sweeps: configurations per profile, measured once, silently."""

from involution import Involution, models
from involution_book import sweeps
from involution_book.implementations import Config


def test_sweeps_follow_the_profile():
    assert [c.size for c in sweeps.resolution_sweep("full")] == [16, 32, 64]
    assert [c.size for c in sweeps.attention_sweep("full")] == [16, 32, 64, 128]
    assert [c.channels for c in sweeps.width_sweep("full")] == [16, 32, 64, 128]
    smoke = (sweeps.resolution_sweep("smoke") + sweeps.attention_sweep("smoke")
             + sweeps.width_sweep("smoke"))
    assert max(c.size for c in smoke) <= 12 and max(c.batch for c in smoke) <= 2


def test_width_sweep_measures_the_involution_of_the_books_rednet():
    """Its widths are the stages' and one more; each stage's involution is the sweep's layer."""
    involutions = [layer for layer in models.rednet_classifier().layers
                   if isinstance(layer, Involution)]
    sweep = sweeps.width_sweep("full")
    assert len(sweep) == len(involutions) + 1
    for config, layer in zip(sweep, involutions):
        assert config.channels == layer.input.shape[-1]
        assert (config.kernel_size, config.kernel_size) == tuple(layer.kernel_size)
        assert (config.groups, config.reduction_ratio) == (layer.groups, layer.reduction_ratio)
    assert sweep[0].size == involutions[0].input.shape[1]  # the first stage's resolution
    wider = sweep[-1]
    assert wider.channels == 2 * sweep[-2].channels and wider.groups == 2 * sweep[-2].groups


def test_cached_run_measures_once_then_loads_without_printing(tmp_path, capsys):
    configs = [Config(batch=1, size=s, channels=4, kernel_size=3) for s in (5, 6)]
    measured = []
    first = sweeps.cached_run(configs, ("involution", "depthwise"), repeats=1,
                              cache_dir=tmp_path, progress=measured.append)
    second = sweeps.cached_run(configs, ("involution", "depthwise"), repeats=1,
                               cache_dir=tmp_path, progress=measured.append)
    assert second == first and measured == configs
    assert [(r["size"], r["implementation"]) for r in first] == [
        (5, "involution"), (5, "depthwise"), (6, "involution"), (6, "depthwise")]
    assert capsys.readouterr().out == ""
    assert len(list(tmp_path.rglob("benchmark-*.json"))) == 1
