"""The machinery of the book *Convolution, Involution, Self-Attention*, apart from the library.

CIFAR-10 loading (``data``), the models the book trains and how (``networks``,
``experiments``, ``training`` with its cache, ``distribution``), seed statistics
and the analyses the chapters glue (``seeds``, ``analysis``), benchmarks and
sweeps, figures (``plotting``), the editions' strings (``text``), the build's
provenance, and the command line ``python -m involution_book``. It uses the
``involution`` library; the library never imports it. Install it with
``pip install "involution[book]"``.
"""
