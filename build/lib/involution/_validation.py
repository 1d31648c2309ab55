"""Argument and input checks shared by the package's layers, with Keras-style messages.

Each check names the argument and the value received, so that a bad setting
fails in ``__init__`` (or a bad input in ``build``) with a message that says
what to change.
"""


def pair(value, name):
    """Normalize an int or a pair of ints to a tuple of two positive ints."""
    items = value if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2 or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in items
    ):
        raise ValueError(
            f"`{name}` must be a positive integer or a tuple of 2 positive "
            f"integers. Received: {name}={value!r}"
        )
    return tuple(items)


def positive_int(value, name):
    """``value``, checked to be a positive int (not a bool)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value!r}"
        )
    return value


def fraction(value, name):
    """``value``, checked to be a number in [0, 1) (not a bool), returned as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        raise ValueError(
            f"`{name}` must be a number from 0 up to (not including) 1. Received: {name}={value!r}"
        )
    return float(value)


def boolean(value, name):
    """``value``, checked to be True or False."""
    if not isinstance(value, bool):
        raise ValueError(f"`{name}` must be True or False. Received: {name}={value!r}")
    return value


def one_of(value, name, choices):
    """``value``, checked to be one of ``choices``."""
    if value not in choices:
        raise ValueError(
            f"`{name}` must be one of {choices}. Received: {name}={value!r}"
        )
    return value


def grouped_channels(layer_name, input_shape, groups, argument):
    """The channels of a 4D input, checked to split into ``groups`` (named ``argument``)."""
    if len(input_shape) != 4:
        raise ValueError(
            f"Layer '{layer_name}' expects a 4D input (batch, height, width, "
            f"channels). Received: input_shape={tuple(input_shape)}"
        )
    channels = input_shape[-1]
    if channels is None:
        raise ValueError(
            f"Layer '{layer_name}' needs a known number of channels (the last "
            f"axis). Received: input_shape={tuple(input_shape)}"
        )
    if channels % groups:
        raise ValueError(
            f"The number of input channels must be divisible by `{argument}`. "
            f"Received: channels={channels}, {argument}={groups}"
        )
    return channels


def positive_float(value, name):
    """``value``, checked to be a positive number (not a bool), returned as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"`{name}` must be a positive number. Received: {name}={value!r}")
    return float(value)
