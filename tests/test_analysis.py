"""The chapters' analyses, against hand counts and independent computations."""

import keras
import numpy as np
import pytest
from keras import ops

from involution import LocalSelfAttention
from involution_book import analysis


def test_inside_taps_of_a_3x3_window_are_4_at_corners_6_on_edges_9_inside():
    taps = analysis.inside_taps(4, 5, LocalSelfAttention(3).geometry)
    np.testing.assert_array_equal(taps, [[4, 6, 6, 6, 4], [6, 9, 9, 9, 6],
                                         [6, 9, 9, 9, 6], [4, 6, 6, 6, 4]])


@pytest.mark.parametrize("strides,dilation", [(2, 1), (1, 2), ((2, 1), 1)])
def test_inside_taps_count_what_an_all_ones_same_convolution_sums(strides, dilation):
    conv = keras.layers.Conv2D(1, 3, strides=strides, dilation_rate=dilation, padding="same",
                               use_bias=False, kernel_initializer="ones")
    expected = ops.convert_to_numpy(conv(ops.ones((1, 7, 6, 1))))[0, :, :, 0]
    geometry = LocalSelfAttention(3, strides=strides, dilation_rate=dilation).geometry
    np.testing.assert_array_equal(analysis.inside_taps(7, 6, geometry), expected)
