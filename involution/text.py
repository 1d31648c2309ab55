"""Words that appear in the book's outputs (figure titles, axis labels, table headers).

Notebook code is the same in both editions; it names the edition's language once
and every label comes from here, so the editions cannot drift apart.
"""

LANGUAGES = ("en", "zh-tw")

TEXT = {
    "en": {
        "image": "Input image",
        "kernel_layer": "Involution kernel {i}",
        "feature_map": "Filter {i}",
        "loss": "Loss",
        "accuracy": "Accuracy",
        "epoch": "Epoch",
        "train": "train",
        "test": "test",
        "model_conv": "Convolution",
        "model_involution": "Involution",
        "curve_title": "{model}: {metric}",
        "model": "Model",
        "parameters": "Parameters",
        "test_accuracy": "Test accuracy",
        "seconds_per_epoch": "Seconds per epoch",
        "layer": "Layer",
        "operation": "Operation",
        "weights": "Weights",
        "multiply_adds": "Multiply-adds",
        "output_shape": "Output shape",
        "receptive_field": "Receptive field",
        "depth": "Layers",
        "after_layers": "After {n} layer(s)",
        "input_size": "Input",
        "ratio": "Involution / convolution",
        "kernels": "Kernels",
        "conv_layer": "{k}×{k} convolution",
        "pool_layer": "{k}×{k} max pooling",
        "involution_layer": "{k}×{k} involution, {g} group(s)",
        "channels": "Channels",
        "kernel_size": "Kernel",
        "strides": "Strides",
        "reduction_ratio": "Reduction ratio",
        "kernel_shape": "Kernel shape",
        "groups": "Groups",
        "conv_weights": "Convolution weights",
        "involution_weights": "Involution weights",
        "conv_multiply_adds": "Convolution multiply-adds",
        "involution_multiply_adds": "Involution multiply-adds",
        "negative_taps": "Negative weights",
        "kernel_sums": "Kernel sums (min … max)",
        "fixed_kernel": "Positions with the fixed kernel",
    },
    "zh-tw": {
        "image": "輸入影像",
        "kernel_layer": "內捲核 {i}",
        "feature_map": "濾波器 {i}",
        "loss": "損失",
        "accuracy": "準確率",
        "epoch": "訓練週期",
        "train": "訓練",
        "test": "測試",
        "model_conv": "卷積",
        "model_involution": "內捲",
        "curve_title": "{model}：{metric}",
        "model": "模型",
        "parameters": "參數量",
        "test_accuracy": "測試準確率",
        "seconds_per_epoch": "每週期秒數",
        "layer": "層",
        "operation": "運算",
        "weights": "權重數",
        "multiply_adds": "乘加次數",
        "output_shape": "輸出形狀",
        "receptive_field": "感受野",
        "depth": "層數",
        "after_layers": "經過 {n} 層",
        "input_size": "輸入",
        "ratio": "內捲 ／ 卷積",
        "kernels": "卷積核",
        "conv_layer": "{k}×{k} 卷積",
        "pool_layer": "{k}×{k} 最大池化",
        "involution_layer": "{k}×{k} 內捲，{g} 組",
        "channels": "通道數",
        "kernel_size": "核大小",
        "strides": "步幅",
        "reduction_ratio": "縮減比例",
        "kernel_shape": "核的形狀",
        "groups": "群組數",
        "conv_weights": "卷積權重數",
        "involution_weights": "內捲權重數",
        "conv_multiply_adds": "卷積乘加次數",
        "involution_multiply_adds": "內捲乘加次數",
        "negative_taps": "負權重比例",
        "kernel_sums": "核的總和（最小 … 最大）",
        "fixed_kernel": "使用固定核的位置",
    },
}


def text(language, key, **fields):
    """The label ``key`` in ``language``, with ``{fields}`` filled in."""
    if language not in TEXT:
        raise ValueError(f"Unknown language {language!r}; choose one of {list(LANGUAGES)}.")
    return TEXT[language][key].format(**fields)


def markdown_table(headers, rows):
    """A Markdown table (for ``IPython.display.Markdown`` and ``myst_nb.glue``)."""
    lines = ["| " + " | ".join(map(str, headers)) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    return "\n".join(lines)
