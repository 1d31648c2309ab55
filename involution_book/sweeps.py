"""The book's benchmark sweeps: which configurations it measures, measured once.

Both editions of a chapter show one measurement: :func:`cached_run` stores the
rows in the training cache's folder for the profile, keyed by what was
measured and the code that measured it.
"""

import json
import sys
from dataclasses import asdict

from involution_book import benchmark, implementations, networks, settings
from involution_book.implementations import Config

# The performance chapter: our involution, the unfold baseline and Keras's yardsticks.
LAYER_IMPLEMENTATIONS = ("involution", "unfold", "depthwise", "conv2d")
# The attention chapter: ``groups`` is the number of heads there.
ATTENTION_IMPLEMENTATIONS = ("conv2d", "involution", "local_attention", "global_attention")
# The RedNet chapter: the twins' spatial layers, and the depthwise convolution beside them.
WIDTH_IMPLEMENTATIONS = ("conv2d", "depthwise", "involution")


def resolution_sweep(profile_name=None, sizes=None):
    """The performance chapter's configurations: one per image size.

    B8, C32, K7, G4, r4 at 16, 32 and 64 pixels a side; two tiny sizes in the
    smoke profile, where the numbers only show that the pipeline works.
    """
    if (profile_name or settings.profile()) == "smoke":
        return [Config(batch=2, size=s, channels=8, kernel_size=3) for s in sizes or (8, 12)]
    return [Config(batch=8, size=s, channels=32, kernel_size=7) for s in sizes or (16, 32, 64)]


def attention_sweep(profile_name=None, sizes=None):
    """The attention chapter's configurations: B1, C16, K7, one head (or group), 16 to 128 pixels.

    One image and one head keep global attention's H*W x H*W weights small
    enough to measure at 128 x 128; two tiny sizes in the smoke profile.
    """
    if (profile_name or settings.profile()) == "smoke":
        return [Config(batch=1, size=s, channels=8, kernel_size=3, groups=1)
                for s in sizes or (8, 12)]
    return [Config(batch=1, size=s, channels=16, kernel_size=7, groups=1)
            for s in sizes or (16, 32, 64, 128)]


def width_sweep(profile_name=None):
    """The RedNet chapter's configurations: the book's RedNet's spatial layer at growing widths.

    B16 at 16x16, the first stage's resolution, with the involution settings of
    :func:`involution.models.rednet_classifier` (3x3, a group per 4 channels,
    r4), at the bottleneck widths of its three stages and one doubling beyond:
    16, 32, 64 and 128 channels. Two tiny widths in the smoke profile.
    """
    rednet = networks.REDNET
    kernel_size, per_group = rednet["kernel_size"], rednet["group_channels"]
    if (profile_name or settings.profile()) == "smoke":
        widths, batch, size = (8, 16), 2, 8
    else:
        widths = tuple(rednet["width"] * 2**s for s in range(len(rednet["stages"]) + 1))
        batch, size = 16, 16
    return [Config(batch=batch, size=size, channels=c, kernel_size=kernel_size,
                   groups=c // per_group, reduction_ratio=rednet["reduction_ratio"])
            for c in widths]


def cached_run(configs, names=LAYER_IMPLEMENTATIONS, repeats=7, cache_dir=None,
               progress=None):
    """:func:`involution_book.benchmark.run`, stored on disk and measured once.

    Keyed by the configurations, implementations, repeats, the code of the
    library and of the measuring code, the backend and the Keras version.
    ``progress(config)``, when given, is called after each configuration is
    measured; nothing is printed.
    """
    code = settings.code_digest(
        *settings.library_modules(), implementations, benchmark, sys.modules[__name__]
    )
    key = settings.content_key({
        "configs": [asdict(c) for c in configs], "implementations": list(names),
        "repeats": repeats, "code": code,
    })
    path = settings.cache_path(settings.profile(), f"benchmark-{key}.json", cache_dir)
    if path.is_file():
        return json.loads(path.read_text())
    rows = []
    for config in configs:
        rows += benchmark.run([config], names, repeats)
        if progress:
            progress(config)
    settings.store_atomically(path, lambda staging: staging.write_text(json.dumps(rows, indent=1)))
    return rows
