"""Words that appear in the book's outputs (figure titles, axis labels, table headers, the
sentences the cells print and the training log).

Notebook code is the same in both editions; it names the edition's language once
and takes every label from here, keyed by that language, so the editions cannot
drift apart. The CIFAR-10 class names are the one exception: they live with the
data, in :func:`involution_book.data.class_names`. Numbers that the prose glues
or the cells print are written here too, as a person writes them (:func:`scientific`,
:func:`listing`, :func:`decimals`), never in e-notation.
"""

import math
import re

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
        "model_seed_conv": "Keras example's CNN, its recipe",
        "model_seed_involution": "Keras example's involution network, its recipe",
        "curve_title": "{model}: {metric}",
        "over_seeds": " (mean and range, {n} random seeds)",
        "layer_conv": "convolution",
        "fact": "Fact",
        "value": "This build",
        "build_date": "Date",
        "build_cpu": "Processor",
        "build_cpus": "Cores",
        "build_backend": "Keras backend",
        "build_keras": "Keras",
        "build_tensorflow": "TensorFlow",
        "build_images": "Training / test images",
        "build_profile": "Profile",
        "build_wall_time": "Wall time of the last full build",
        "minutes": "{minutes:.0f} minutes",
        "not_installed": "not installed",
        "not_recorded": "not recorded (only `make book` times a build)",
        "layer_involution": "involution",
        "layer_attention": "local self-attention",
        "layer_depthwise": "depthwise convolution",
        "pair_apart": (
            "Every run of the {better} network ends above every run of the {worse} network: the "
            "lowest of the one, {better_low}, is above the highest of the other, {worse_high}."),
        "pair_overlap": (
            "The runs of the {a} network ({a_range}) and of the {b} network ({b_range}) overlap: "
            "on these {n} random seeds neither network ends above the other on every run."),
        "pair_overlap_one": (
            "The runs of the {a} network ({a_range}) and of the {b} network ({b_range}) overlap: "
            "on this one random seed neither network is the better one."),
        "sa_curves_levelling_off": (
            "Over the last {epochs} epochs no network's mean test accuracy rose by more than half "
            "a percentage point: every curve has levelled off, so stopping here cuts none of them "
            "short in its climb."),
        "sa_curves_still_rising": (
            "Over the last {epochs} epochs the mean test accuracy of at least one network still "
            "rose by more than half a percentage point: not every curve has levelled off, and a "
            "longer run could still move them, and with them an order between networks whose runs "
            "lie close."),
        "sa_orders_held": (
            "Each order that holds after the last epoch has held on every run after every epoch "
            "since epoch {epoch}: training longer did not change it."),
        "sa_orders_none": (
            "No order between these networks holds on every run after the last epoch."),
        "sa_control_above": (
            "In these small networks, generating the kernel bought nothing over a fixed one: the "
            "depthwise control ends above both networks that generate their kernels, on every "
            "run."),
        "sa_control_below": (
            "Generating the kernel paid here: both networks that generate their kernels end "
            "above the fixed-kernel control, on every run."),
        "sa_control_mixed": (
            "The fixed-kernel control ends neither above nor below both networks that generate "
            "their kernels on every run, so these runs do not say whether generating the kernel "
            "pays."),
        "sa_answer_overlap": (
            "Trained like this, then, local attention and involution cannot be told apart by "
            "their accuracy: their runs overlap after the last epoch, as after {overlapping} of "
            "the {epochs} epochs, and the shaded bands of their test curves end overlapping."),
        "sa_answer_overlap_throughout": (
            "Trained like this, then, local attention and involution cannot be told apart by "
            "their accuracy: their runs overlap after every one of the {epochs} epochs, and so do "
            "the shaded bands of their test curves, from the first epoch to the last."),
        "sa_answer_above": (
            "Trained like this, then, every run of the local-attention network ends above every "
            "run of its involution twin. The two differ in how the kernel is generated and in "
            "their number of parameters as well, and this comparison cannot say which of the two "
            "makes the difference."),
        "sa_answer_below": (
            "Trained like this, then, every run of the involution network ends above every run of "
            "its local-attention twin, with far fewer parameters: comparing a query with its "
            "neighbours' keys did not make better kernels here than generating them from the "
            "centre pixel alone."),
        "mean_range": "Test accuracy: mean (lowest–highest)",
        "seeds": "Random seeds",
        "agree_every": "on every one of the {n} random seeds",
        "agree_some": "on {won} of the {n} random seeds only",
        "agree_none": "on none of the {n} random seeds",
        "model": "Model",
        "parameters": "Parameters",
        "seed": "Random seed",
        "fixed_by_layer": "Positions with the fixed kernel, layers 1 / 2 / 3",
        "negative_by_layer": "Negative weights, layers 1 / 2 / 3",
        "seeds_fixed_every": (
            "Every random seed's network falls back on the fixed kernel somewhere, so the collapse "
            "comes with this design, not with one unlucky run; how often it happens, and in which "
            "layer, changes from one random seed to the next."),
        "seeds_fixed_some": (
            "Not every random seed's network falls back on the fixed kernel: how much of the "
            "collapse a network shows depends on its run as much as on the design."),
        "test_accuracy": "Test accuracy",
        "seconds_per_epoch": "Seconds per epoch",
        "layer": "Layer",
        "weights": "Weights",
        "multiply_adds": "Multiply-adds",
        "output_shape": "Output shape",
        "receptive_field": "Receptive field",
        "depth": "Layers",
        "after_one_layer": "After 1 layer: {rows}×{cols} pixels",
        "after_layers": "After {n} layers: {rows}×{cols} pixels",
        "column_pixels": "Column (pixels)",
        "row_pixels": "Row (pixels)",
        "field_strength": "Influence on the central output",
        "response": "Filter response",
        "input_size": "Input",
        "kernels": "Kernels",
        "conv_layer": "{k}×{k} convolution",
        "pool_layer": "{k}×{k} max pooling",
        "channels": "Channels",
        "kernel_size": "Kernel",
        "strides": "Strides",
        "reduction_ratio": "Reduction ratio",
        "kernel_shape": "Kernel shape",
        "conv_weights": "Convolution weights",
        "involution_weights": "Involution weights",
        "conv_multiply_adds": "Convolution multiply-adds",
        "involution_multiply_adds": "Involution multiply-adds",
        "negative_taps": "Negative weights",
        "kernel_sums": "Kernel sums (min … max)",
        "fixed_kernel": "Positions with the fixed kernel",
        "impl_involution": "Involution (ours)",
        "impl_unfold": "Involution by unfold",
        "impl_depthwise": "DepthwiseConv2D",
        "impl_conv2d": "Conv2D",
        "implementation": "Implementation",
        "image_size": "Image size (pixels per side)",
        "step_ms": "Forward + backward (ms)",
        "activation_mib": "Activation memory (MiB)",
        "time_vs_ours": "Time / ours",
        "memory_vs_ours": "Memory / ours",
        "attention_layer": "Self-weight, attention {i}",
        "impl_local_attention": "Local self-attention",
        "impl_global_attention": "Global self-attention",
        "model_sa_conv": "Convolution",
        "model_sa_depthwise": "Depthwise convolution",
        "model_sa_involution": "Involution",
        "model_sa_attention": "Local self-attention",
        "model_rednet": "RedNet-style",
        "model_resnet": "ResNet-style",
        "model_cnn": "Keras example's CNN, RedNet's recipe",
        "layer_rednet": "RedNet-style",
        "layer_resnet": "ResNet-style",
        "layer_cnn": "Keras example's convolutional",
        "epochs": "Epochs",
        "network_conv": "convolutional network",
        "network_involution": "involution network",
        "kernel_sum": "Kernel sum",
        "self_weight": "Self-weight",
        "image_fixed_dots": "Input image\n(dots: the fixed kernel)",
        "sums_positive": "all positive",
        "sums_negative": "all negative",
        "sums_mixed": "not all of one sign",
        "kernel_sums_alike": "In this run the kernel sums of all three layers are {signs}",
        "kernel_sums_by_layer": (
            "In this run the kernel sums of the first layer are {first}, those of the second "
            "{second} and those of the third {third}"),
        "brighter_larger": "the brighter the pixel, the larger its kernel sum",
        "brighter_smaller": "the brighter the pixel, the smaller its kernel sum",
        "fixed_kernel_share": "Fixed kernel (the span's bias),\nat {share:.0%} of the positions",
        "fixed_kernel_marker": "fixed kernel (the span's bias)",
        "sharing_position": "Output position $i$ and its pixel $x_i$",
        "sharing_offset": "Neighbour offset $u$",
        "sharing_conv": "Convolution: learned weights $w_u$,\nthe same at every position",
        "sharing_involution": (
            "Involution: the kernel at $i$ generated\nfrom the centre pixel $x_i$ alone"),
        "sharing_attention": (
            "Self-attention: each weight computed from\n"
            "the centre's query and the neighbour's key"),
        "kernel_at": "Involution kernel at {name}",
        "conv_kernel": "Convolution kernel",
        "weight": "Weight",
        "rednet_cnn_above": (
            "The RedNet-style network, then, ends above the Keras example's CNN on every run, "
            "with {share} of the CNN's parameters."),
        "rednet_cnn_below": (
            "What the RedNet-style network has over the Keras example's CNN, then, is its size, "
            "{share} of the CNN's parameters, not its accuracy."),
        "rednet_cnn_overlap": (
            "What separates the two, then, is their size, not their accuracy: the RedNet-style "
            "network has {share} of the CNN's parameters."),
        "rednet_twin_above": (
            "Replacing the blocks' 3×3 convolutions by involutions, then, gave a more accurate "
            "network on every run, with {share} of the twin's parameters."),
        "rednet_twin_below": (
            "Replacing the blocks' 3×3 convolutions by involutions, then, cost accuracy on every "
            "run: the RedNet-style network saves parameters (it has {share} of the twin's), not "
            "errors."),
        "rednet_twin_overlap": (
            "Replacing the blocks' 3×3 convolutions by involutions, then, left no difference in "
            "accuracy that holds on every run; what it changed is the size: the RedNet-style "
            "network has {share} of the twin's parameters."),
        "best_epochs_last": (
            "Each of the three networks has its highest mean test accuracy after the last of its "
            "{epochs} epochs: every test curve was still rising when training stopped."),
        "best_epochs_earlier": (
            "Not every network peaks after the last epoch: the mean test accuracy is highest "
            "after epoch {cnn} of {epochs} for the Keras example's CNN, after epoch {resnet} for "
            "the ResNet-style twin and after epoch {rednet} for the RedNet-style network."),
        "time_more": "more time",
        "time_less": "less time",
        "time_same": "about as much time",
        "still_rising": "still rising",
        "levelling_off": "levelling off",
        "self_weight_corner_inside": "Self-weight, corner / inside",
        "self_ratio_corner_inside": "Relative to uniform, corner / inside",
        "padding_explains_all": (
            "the padding explains the bright corners: relative to a uniform choice they keep "
            "about as much for themselves as inner positions, or less"),
        "padding_explains_part": (
            "the padding explains only part of the bright corners, for even relative to a uniform "
            "choice they keep {times:.1f} times as much for themselves as inner positions"),
        "multiply_adds_per_image": "Multiply-adds per image (forward pass)",
        "proportional_to_multiply_adds": (
            "proportional to multiply-adds,\nat the lowest time per multiply-add measured"),
        "width_sweep_title": "{k}×{k} layers on {batch} images of {size}×{size} pixels",
        "involution_faster_nowhere": (
            "Conv2D is the faster of the two at every width measured here, up to {widest} "
            "channels, for involution's saving in multiply-adds never makes up for the higher "
            "cost of each"),
        "involution_faster_from": (
            "from {channels} channels on, involution's saving in multiply-adds makes up for the "
            "higher cost of each, and involution is the faster of the two"),
        "involution_faster_everywhere": (
            "involution's saving in multiply-adds makes up for the higher cost of each at every "
            "width measured here, and involution is the faster of the two"),
        "involution_faster_not_widest": (
            "neither layer is the faster at every width measured here, and at the widest, {widest} "
            "channels, involution's saving in multiply-adds does not make it the faster of the "
            "two"),
        # --- diagrams (involution_book.diagrams) ---
        "diagram_window_input": "Input X",
        "diagram_window_output": "Output Y",
        "diagram_window_kernel": "One {k}×{k} kernel:\nthe same weights at every position",
        "diagram_window_sum": "window {name}: Σ weight × pixel",
        "diagram_involution_input": "Input X ({shape})",
        "diagram_involution_output": "Output Y ({shape})",
        "diagram_involution_pixel": "pixel {pixel}: {c} values",
        "diagram_involution_reduce": "1×1 conv (reduce)\n{to}",
        "diagram_involution_norm": "batch norm\n+ ReLU",
        "diagram_involution_span": "1×1 conv (span)\n{to}",
        "diagram_involution_generator": "kernel generator {phi}, shared by every pixel",
        "diagram_involution_kernel": "kernel {kernel}\n{shape}",
        "diagram_involution_group": "group {g}",
        "diagram_involution_channel": "channel {c}",
        "diagram_involution_broadcast": "each group's kernel,\non its {share} channels",
        "diagram_involution_neighbourhood": (
            "times the {k} neighbourhood\nof (i, j), channel by channel"),
        "diagram_involution_result": "output pixel {pixel}: {c} values",
        "diagram_block_title_involution": "RedNet-style block",
        "diagram_block_title_conv": "ResNet-style block (its twin)",
        "diagram_block_input": "input: {c} channels",
        "diagram_block_output": "output: {c} channels",
        "diagram_block_pool": "{s}×{s} average pooling",
        "diagram_block_conv": "{k}×{k} conv, {c_in} → {c_out}",
        "diagram_block_involution": "{k}×{k} involution,\n{g} groups, r = {r}",
        "diagram_block_norm": "batch norm",
        "diagram_block_project": "1×1 conv\n{c_in} → {c_out}",
        "diagram_block_shortcut": "shortcut",
        "diagram_block_difference": "the only difference",
        "diagram_block_dashed": (
            "Dashed: only in some blocks; the pooling where a block halves the resolution,\n"
            "the shortcut's projection where {c_in} ≠ {c_out}"),
        "diagram_attention_input": "Input X",
        "diagram_attention_query": "query {q}: {d} values",
        "diagram_attention_keys": "keys {symbol}",
        "diagram_attention_values": "values {symbol}",
        "diagram_attention_position": "relative positions {r}",
        "diagram_attention_scores": "scores {formula}",
        "diagram_attention_weights": "weights {a}, summing to 1",
        "diagram_attention_output": "output {y}: head {h}'s channels",
        "diagram_attention_head": (
            "One head {h} shown: its queries and keys have {d} channels, and its weights are "
            "shared by its own block\nof value channels ({c} divided by the number of heads). "
            "Every head computes its own weights, side by side."),
        # --- printed by the chapters' cells (and the training log, involution_book.training) ---
        # A key with a "_one" twin is counted: text() takes the twin when the field n is 1.
        "out_run_header": "--- {name}",
        "out_versions": "involution {involution}, Keras {keras}, backend: {backend}",
        "out_input_output": "input {input} → output {output}",
        "out_k_output_weights": (
            "K = {k}: output {shape}, {weights:,} weights (span: {span:,}; cost formula: "
            "{formula:,})"),
        "out_value_error": "ValueError: {error}",
        "out_groups_output": "groups = {groups}: output {shape}",
        "out_dataset_samples": (
            "{train:,} training and {test:,} test images ({profile} profile); samples: {shape}"),
        "out_kernel_weights_maps": "kernel {kernel} → {weights:,} weights; feature maps {maps}",
        "out_largest_difference": "largest difference: {difference}",
        "out_measured_fields": (
            "receptive fields measured after {depths} layers: {fields} pixels a side"),
        "out_receptive_fields": "receptive fields, layer by layer: {fields} pixels a side",
        "out_columns": "columns {first}–{last}: {values}",
        "out_depthwise_cost": (
            "cost formula: {weights:,} weights, {multiply_adds:,} multiply-adds; Keras counts "
            "{keras:,} weights"),
        "out_features_kernel": "features {features} → kernels {kernel}",
        "out_patches": "neighbourhoods {shape}",
        "out_output_difference": (
            "output {shape}; largest difference from involution.Involution: {difference}"),
        "out_difference_scale": "largest difference: {difference} (outputs up to {scale:.2f})",
        "out_kernel_span_weights": "kernel {shape}; span weights: {weights:,}",
        "out_patches_difference": "neighbourhoods {shape}; largest difference: {difference}",
        "out_weight_shares": "K = {k}: {shares} of the convolution's weights; limit {limit:.2%}",
        "out_kernel_sums_range": (
            "kernel sums from {low:.4f} to {high:.4f}; smallest weight {smallest:.3f}"),
        "out_data_epochs": "training {train}, test {test}; {n} epochs, {profile} profile",
        "out_data_epochs_one": "training {train}, test {test}; 1 epoch, {profile} profile",
        "out_bottleneck": "r = {ratio}: a bottleneck of {n} channels, {weights:,} weights",
        "out_bottleneck_one": "r = {ratio}: a bottleneck of 1 channel, {weights:,} weights",
        "out_train_test_distance": (
            "{network}: training {train:.1%}, test {test:.1%}, a distance of {points:+.1f} "
            "percentage points"),
        "out_layer_kernels": "layer {i}: kernels {shape}",
        "out_brightness_correlation": (
            "correlation between brightness and the kernel sums of layer 1: {correlation:+.2f}"),
        "out_difference_from_centre": "largest difference from the centre's kernel: {difference}",
        "out_uniform_maps": "uniform maps, layer by layer: {counts}, of {n} images each",
        "out_fixed_kernel_shares": (
            "share of positions with the fixed kernel, layer by layer: {shares}"),
        "out_query": "query: {query}",
        "out_keys_per_tap": "keys, one pair per tap:",
        "out_scores": "scores:",
        "out_weights": "weights:",
        "out_sum_output": "sum: {sum:.2f}; output: {output}",
        "out_head_with_r": "head {h} with r:",
        "out_output_pixel": "output pixel: {output}",
        "out_steps_by_hand": (
            "unfold and einsum against the steps by hand at ({i}, {j}): largest difference "
            "{difference}"),
        "out_layer_against_unfold": (
            "LocalSelfAttention against unfold and einsum at every position: largest difference "
            "{outputs} in the outputs, {weights} in the weights"),
        "out_corner_taps": "taps with weight at the corner (0, 0): {taps} of {total}",
        "out_attention_sums": "attention weights {shape}, summing to {low:.4f}–{high:.4f}",
        "out_replayed_difference": (
            "largest difference between attention and the replayed involution: {difference}"),
        "out_channels_groups": "C = {channels} channels, K = {k}, {n} groups or heads",
        "out_channels_groups_one": "C = {channels} channels, K = {k}, 1 group or head",
        "out_global_local": (
            "{size}×{size}: global / local attention: time {time:.2f}×, memory {memory:.2f}×"),
        "out_plain_difference": "largest difference without relative positions: {difference}",
        "out_growth": (
            "{small} → {large} pixels a side: multiply-adds ×{local:.2f} for local attention, "
            "×{whole:.2f} for global attention"),
        "out_where_corner": "corner",
        "out_where_edge": "edge",
        "out_where_inside": "inside",
        "out_self_weight": (
            "{where}: self-weight {weight:.2f}; uniform over its {taps} valid taps, {uniform:.2f}; "
            "ratio {ratio:.2f}"),
        "out_entropy": (
            "layer {i}: mean entropy {entropy:.2f} nats (uniform over {taps} taps: "
            "{uniform:.2f})"),
        "out_params_multiply_adds": (
            "{model}: {parameters:,} parameters, {multiply_adds:,} multiply-adds per image"),
        "out_involution_layers": "involution layers: {names}",
        "out_width_ratios": (
            "C = {channels:3}, involution / {layer}: time {time:.2f}, multiply-adds "
            "{multiply_adds:.3f}, weights {weights:.3f}, time per multiply-add {rate:.1f}"),
        "out_k7_gain": (
            "3×3 → 7×7: RedNet-style +{rednet:,} parameters, ResNet-style +{resnet:,}"),
        "out_best_epoch": (
            "{model}: highest mean test accuracy {accuracy:.1%}, after epoch {epoch} of "
            "{epochs}"),
        "out_sweep_config": (
            "{batch} images of {size}×{size} pixels; C = {channels}, K = {k}, G = {groups}, "
            "r = {r}"),
        "out_per_position": (
            "per position: {inputs} input and {kernel} kernel values; forward traffic "
            "{ratio:.2f}× a depthwise convolution's"),
        "out_tensor_input": "input",
        "out_tensor_kernel": "kernel",
        "out_tensor_patches": "patches",
        "out_tensor_size": "{name}: {mib:.1f} MiB",
        "out_unfold_ours": (
            "at {size}×{size}: unfold takes {unfold_time:.1f}× our time and "
            "{unfold_memory:.1f}× our memory; ours takes {ours_time:.1f}× the time of "
            "DepthwiseConv2D"),
        "out_devices": (
            "{mechanism} on {devices}: the loss differs by {loss}, the gradients by at most "
            "{gradients} (largest gradient {gradient_max:.3f}); a step takes {one:.1f} ms on one "
            "device, {many:.1f} ms on {n}"),
        "out_patches_kernel": (
            "K = {k}: patches {patches}× the input, kernel {kernel:.2f}× the input"),
        "out_time_growth": "{implementation}: time ×{time:.1f} for ×{positions:.1f} positions",
        "out_estimated_counted": (
            "{implementation}: estimated {estimated:.1f} MiB, counted {counted:.1f} MiB"),
        "out_unfold_ratio": "unfold / ours: estimated {estimated:.1f}×, counted {counted:.1f}×",
        "log_epoch": "epoch {counter}  {metrics}  {seconds:.1f}s",
        "log_metric_loss": "loss",
        "log_metric_accuracy": "accuracy",
        "log_metric_val_loss": "val_loss",
        "log_metric_val_accuracy": "val_accuracy",
        "log_from_cache": "{name}: loaded from the training cache; the original run's log:",
        "log_data_parallel": (
            "data-parallel on {where}: global batch {batch}, learning rate {rate:g}"),
        "log_left_out": (
            "left out the last {train} training and {test} test image(s): every batch must "
            "split evenly between the devices"),
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
        "model_seed_conv": "Keras 範例的 CNN（Keras 範例的訓練方法）",
        "model_seed_involution": "Keras 範例的內捲網路（Keras 範例的訓練方法）",
        "curve_title": "{model}：{metric}",
        "over_seeds": "（{n} 個隨機種子的平均與範圍）",
        "layer_conv": "卷積",
        "fact": "項目",
        "value": "這次建置",
        "build_date": "日期",
        "build_cpu": "處理器",
        "build_cpus": "核心數",
        "build_backend": "Keras 後端",
        "build_keras": "Keras",
        "build_tensorflow": "TensorFlow",
        "build_images": "訓練／測試影像",
        "build_profile": "設定檔",
        "build_wall_time": "上次完整建置的實際耗時",
        "minutes": "{minutes:.0f} 分鐘",
        "not_installed": "未安裝",
        "not_recorded": "未記錄（只有 `make book` 會為建置計時）",
        "layer_involution": "內捲",
        "layer_attention": "局部自注意力",
        "layer_depthwise": "深度卷積",
        "pair_apart": (
            "{better}網路的每一次訓練，結果都高於{worse}網路的每一次：前者最低的 {better_low}，"
            "仍高於後者最高的 {worse_high}。"),
        "pair_overlap": (
            "{a}網路（{a_range}）和{b}網路（{b_range}）的結果互相重疊：在這 {n} 個隨機種子上，"
            "沒有哪一個網路每一次都比較好。"),
        "sa_curves_levelling_off": (
            "在最後 {epochs} 個訓練週期裡，沒有一個網路的平均測試準確率上升超過半個百分點："
            "每條曲線都已趨平緩，停在這裡並沒有打斷任何一個網路的上升。"),
        "sa_curves_still_rising": (
            "在最後 {epochs} 個訓練週期裡，至少有一個網路的平均測試準確率仍上升超過半個百分點："
            "並不是每條曲線都已趨平，訓練得更久，結果仍可能改變，結果相近的網路之間的先後"
            "也可能跟著改變。"),
        "sa_orders_held": (
            "最後一個訓練週期結束時排得出的先後，從第 {epoch} 個訓練週期起，在每個訓練週期結束時、"
            "每一次訓練上都已如此：訓練得更久並沒有改變這些先後。"),
        "sa_orders_none": (
            "在最後一個訓練週期結束時，這些網路之間沒有任何先後在每一次訓練上都成立。"),
        "sa_control_above": (
            "在這些小型網路裡，由特徵產生核並沒有比固定的核更好：深度卷積對照組的每一次訓練，"
            "結果都高於兩個自行產生核的網路。"),
        "sa_control_below": (
            "在這裡，由特徵產生核是值得的：兩個自行產生核的網路，每一次訓練的結果都高於"
            "核固定的對照組。"),
        "sa_control_mixed": (
            "核固定的對照組並沒有在每一次訓練上都同時高於、或同時低於兩個自行產生核的網路，"
            "所以這些訓練結果無法說明由特徵產生核是否值得。"),
        "sa_answer_overlap": (
            "所以在這樣的訓練下，局部注意力與內捲的準確率分不出高下：最後一個訓練週期結束時，"
            "兩者各次訓練的結果互相重疊（{epochs} 個訓練週期中有 {overlapping} 個如此），"
            "測試曲線的淺色帶最後也重疊在一起。"),
        "sa_answer_overlap_throughout": (
            "所以在這樣的訓練下，局部注意力與內捲的準確率分不出高下：{epochs} 個訓練週期，"
            "每一個結束時兩者各次訓練的結果都互相重疊，測試曲線的淺色帶也從頭到尾重疊在一起。"),
        "sa_answer_above": (
            "所以在這樣的訓練下，局部注意力網路的每一次訓練，結果都高於內捲網路的每一次。不過兩者的差別"
            "除了核的產生方式，還有參數量，這個比較無法分辨是哪一項造成了差距。"),
        "sa_answer_below": (
            "所以在這樣的訓練下，內捲網路的每一次訓練，結果都高於局部注意力網路的每一次，參數量還少得多："
            "在這裡，拿查詢和鄰居的鍵比較，並沒有比只由中心像素產生核得到更好的核。"),
        "mean_range": "測試準確率：平均（最低–最高）",
        "seeds": "隨機種子數",
        "agree_every": "在全部 {n} 個隨機種子上都成立",
        "agree_some": "只在 {n} 個隨機種子中的 {won} 個上成立",
        "agree_none": "在 {n} 個隨機種子上都不成立",
        "model": "模型",
        "parameters": "參數量",
        "seed": "隨機種子",
        "fixed_by_layer": "使用固定核的位置，第 1 / 2 / 3 層",
        "negative_by_layer": "負權重比例，第 1 / 2 / 3 層",
        "seeds_fixed_every": (
            "每個隨機種子訓練出的網路，都有某些位置退回固定核，所以這種退化來自這個設計本身，而不是某一次訓練運氣不好；"
            "至於發生得多頻繁、發生在哪一層，則每個隨機種子各不相同。"),
        "seeds_fixed_some": (
            "並不是每個隨機種子訓練出的網路都會退回固定核：一個網路退化得多嚴重，取決於它那一次的訓練，"
            "不只取決於設計。"),
        "test_accuracy": "測試準確率",
        "seconds_per_epoch": "每個訓練週期秒數",
        "layer": "層",
        "weights": "權重數",
        "multiply_adds": "乘加次數",
        "output_shape": "輸出形狀",
        "receptive_field": "感受野",
        "depth": "層數",
        "after_one_layer": "經過 1 層：{rows}×{cols} 像素",
        "after_layers": "經過 {n} 層：{rows}×{cols} 像素",
        "column_pixels": "欄（像素）",
        "row_pixels": "列（像素）",
        "field_strength": "對中央輸出的影響",
        "response": "濾波器反應",
        "input_size": "輸入",
        "kernels": "卷積核",
        "conv_layer": "{k}×{k} 卷積",
        "pool_layer": "{k}×{k} 最大池化",
        "channels": "通道數",
        "kernel_size": "核大小",
        "strides": "步幅",
        "reduction_ratio": "縮減比例",
        "kernel_shape": "核的形狀",
        "conv_weights": "卷積權重數",
        "involution_weights": "內捲權重數",
        "conv_multiply_adds": "卷積乘加次數",
        "involution_multiply_adds": "內捲乘加次數",
        "negative_taps": "負權重比例",
        "kernel_sums": "核的總和（最小 … 最大）",
        "fixed_kernel": "使用固定核的位置",
        "impl_involution": "內捲（本書實作）",
        "impl_unfold": "內捲（展開法）",
        "impl_depthwise": "DepthwiseConv2D",
        "impl_conv2d": "Conv2D",
        "implementation": "實作",
        "image_size": "影像邊長（像素）",
        "step_ms": "前向 + 反向（毫秒）",
        "activation_mib": "活化記憶體（MiB）",
        "time_vs_ours": "時間／本書實作",
        "memory_vs_ours": "記憶體／本書實作",
        "attention_layer": "注意力 {i}：自身權重",
        "impl_local_attention": "局部自注意力",
        "impl_global_attention": "全域自注意力",
        "model_sa_conv": "卷積",
        "model_sa_depthwise": "深度卷積",
        "model_sa_involution": "內捲",
        "model_sa_attention": "局部自注意力",
        "model_rednet": "RedNet 風格",
        "model_resnet": "ResNet 風格",
        "model_cnn": "Keras 範例的 CNN（RedNet 的訓練方法）",
        "layer_rednet": "RedNet 風格",
        "layer_resnet": "ResNet 風格",
        "layer_cnn": "Keras 範例的卷積",
        "epochs": "訓練週期數",
        "network_conv": "卷積網路",
        "network_involution": "內捲網路",
        "kernel_sum": "核的總和",
        "self_weight": "自身權重",
        "image_fixed_dots": "輸入影像\n（圓點：固定核）",
        "sums_positive": "全部為正",
        "sums_negative": "全部為負",
        "sums_mixed": "正負不一",
        "kernel_sums_alike": "在這次訓練中，三層的核總和{signs}",
        "kernel_sums_by_layer": (
            "在這次訓練中，第一層的核總和{first}，第二層{second}，第三層{third}"),
        "brighter_larger": "像素愈亮，核的總和愈大",
        "brighter_smaller": "像素愈亮，核的總和愈小",
        "fixed_kernel_share": "固定核（span 卷積的偏差）\n用於 {share:.0%} 的位置",
        "fixed_kernel_marker": "固定核（span 卷積的偏差）",
        "sharing_position": "輸出位置 $i$ 與它的像素 $x_i$",
        "sharing_offset": "鄰居的位移 $u$",
        "sharing_conv": "卷積：學習而得的權重 $w_u$，\n每個位置都相同",
        "sharing_involution": "內捲：位置 $i$ 的核\n只由中心像素 $x_i$ 產生",
        "sharing_attention": "自注意力：每個權重由中心的查詢\n與鄰居的鍵算出",
        "kernel_at": "{name} 點的內捲核",
        "conv_kernel": "卷積核",
        "weight": "權重",
        "rednet_cnn_above": (
            "所以，以同樣的方法訓練，RedNet 風格網路只用 Keras 範例 CNN {share} 的參數量，"
            "每一次訓練都勝過它。"),
        "rednet_cnn_below": (
            "所以，RedNet 風格網路比 Keras 範例的 CNN 強的只在於模型較小：參數量只有 CNN 的 "
            "{share}，準確率則不如它。"),
        "rednet_cnn_overlap": (
            "所以，以同樣的方法訓練，兩者的差別在於規模，而不在準確率：RedNet 風格網路的參數量"
            "只有 CNN 的 {share}。"),
        "rednet_twin_above": (
            "所以，把各區塊的 3×3 卷積換成內捲，每一次訓練都得到準確率更高的網路，"
            "參數量只有對照網路的 {share}。"),
        "rednet_twin_below": (
            "所以，把各區塊的 3×3 卷積換成內捲，每一次訓練都讓準確率下降：RedNet 風格網路省下的"
            "只是參數（只有對照網路的 {share}），錯誤並沒有跟著變少。"),
        "rednet_twin_overlap": (
            "所以，把各區塊的 3×3 卷積換成內捲，並沒有在每一次訓練上都成立的準確率差別；"
            "改變的是規模：RedNet 風格網路的參數量只有對照網路的 {share}。"),
        "best_epochs_last": (
            "三個網路的平均測試準確率，都在最後一個（第 {epochs} 個）訓練週期之後最高："
            "訓練停止時，每一條測試曲線都還在上升。"),
        "best_epochs_earlier": (
            "並不是每個網路都在最後一個訓練週期之後達到最高：在 {epochs} 個訓練週期中，"
            "Keras 範例的 CNN 的平均測試準確率在第 {cnn} 個之後最高，ResNet 風格的對照網路在第 "
            "{resnet} 個之後，RedNet 風格網路則在第 {rednet} 個之後。"),
        "time_more": "花的時間較多",
        "time_less": "花的時間較少",
        "time_same": "花的時間差不多",
        "still_rising": "仍在上升",
        "levelling_off": "已趨平緩",
        "self_weight_corner_inside": "自身權重（角落／內部）",
        "self_ratio_corner_inside": "相對於均勻分配（角落／內部）",
        "padding_explains_all": (
            "角落偏亮來自填充：相對於均勻分配，角落留給自己的和內部位置差不多，甚至更少"),
        "padding_explains_part": (
            "填充只解釋了角落偏亮的一部分，因為即使相對於均勻分配，角落留給自己的仍約是內部位置的 "
            "{times:.1f} 倍"),
        "multiply_adds_per_image": "每張影像的乘加次數（前向）",
        "proportional_to_multiply_adds": "與乘加次數成正比，\n以量測到最短的每次乘加時間計",
        "width_sweep_title": "{k}×{k} 的層，{batch} 張 {size}×{size} 像素的影像",
        "involution_faster_nowhere": (
            "在這裡量測的每個寬度上（最多 {widest} 個通道），都是 Conv2D 比較快，"
            "因為內捲省下的乘加次數始終抵不過每次乘加較高的代價"),
        "involution_faster_from": (
            "從 {channels} 個通道起，內捲省下的乘加次數抵過了每次乘加較高的代價，"
            "內捲成為兩者中較快的一個"),
        "involution_faster_everywhere": (
            "在這裡量測的每個寬度上，內捲省下的乘加次數都抵過了每次乘加較高的代價，"
            "內捲都是兩者中較快的一個"),
        "involution_faster_not_widest": (
            "在這裡量測的寬度上，沒有哪一個始終比較快；到了最寬的 {widest} 個通道，"
            "內捲省下的乘加次數也沒有讓它成為兩者中較快的一個"),
        # --- diagrams (involution_book.diagrams) ---
        "diagram_window_input": "輸入 X",
        "diagram_window_output": "輸出 Y",
        "diagram_window_kernel": "同一個 {k}×{k} 卷積核：\n每個位置都用相同的權重",
        "diagram_window_sum": "視窗 {name}：Σ 權重 × 像素",
        "diagram_involution_input": "輸入 X（{shape}）",
        "diagram_involution_output": "輸出 Y（{shape}）",
        "diagram_involution_pixel": "像素 {pixel}：{c} 個值",
        "diagram_involution_reduce": "1×1 卷積（reduce）\n{to}",
        "diagram_involution_norm": "批次正規化\n+ ReLU",
        "diagram_involution_span": "1×1 卷積（span）\n{to}",
        "diagram_involution_generator": "核生成網路 {phi}：所有像素共用",
        "diagram_involution_kernel": "核 {kernel}\n{shape}",
        "diagram_involution_group": "群組 {g}",
        "diagram_involution_channel": "通道 {c}",
        "diagram_involution_broadcast": "每個群組的核，\n套用在該組的 {share} 個通道",
        "diagram_involution_neighbourhood": "逐通道乘上\n(i, j) 的 {k} 鄰域",
        "diagram_involution_result": "輸出像素 {pixel}：{c} 個值",
        "diagram_block_title_involution": "RedNet 風格的瓶頸區塊",
        "diagram_block_title_conv": "ResNet 風格的瓶頸區塊（對照網路）",
        "diagram_block_input": "輸入：{c} 個通道",
        "diagram_block_output": "輸出：{c} 個通道",
        "diagram_block_pool": "{s}×{s} 平均池化",
        "diagram_block_conv": "{k}×{k} 卷積，{c_in} → {c_out}",
        "diagram_block_involution": "{k}×{k} 內捲，\n{g} 個群組，r = {r}",
        "diagram_block_norm": "批次正規化",
        "diagram_block_project": "1×1 卷積\n{c_in} → {c_out}",
        "diagram_block_shortcut": "捷徑",
        "diagram_block_difference": "唯一的差別",
        "diagram_block_dashed": (
            "虛線框只出現在部分區塊：平均池化只在讓解析度減半的區塊，\n"
            "捷徑的投影只在 {c_in} ≠ {c_out} 時"),
        "diagram_attention_input": "輸入 X",
        "diagram_attention_query": "查詢 {q}：{d} 個值",
        "diagram_attention_keys": "鍵 {symbol}",
        "diagram_attention_values": "值 {symbol}",
        "diagram_attention_position": "相對位置 {r}",
        "diagram_attention_scores": "分數 {formula}",
        "diagram_attention_weights": "權重 {a}，總和為 1",
        "diagram_attention_output": "輸出 {y}：注意力頭 {h} 的通道",
        "diagram_attention_head": (
            "圖中只畫注意力頭 {h}：它的查詢與鍵有 {d} 個通道，它的權重由它自己那一段值通道共用"
            "（{c} 除以注意力頭數）。\n每個注意力頭各自算出自己的權重，並行計算。"),
        # --- printed by the chapters' cells (and the training log, involution_book.training) ---
        "out_run_header": "--- {name}",
        "out_versions": "involution {involution}、Keras {keras}，後端：{backend}",
        "out_input_output": "輸入 {input} → 輸出 {output}",
        "out_k_output_weights": (
            "K = {k}：輸出 {shape}，{weights:,} 個權重"
            "（span：{span:,} 個；成本公式：{formula:,} 個）"),
        "out_value_error": "錯誤（ValueError）：{error}",
        "out_groups_output": "groups = {groups}：輸出 {shape}",
        "out_dataset_samples": (
            "{train:,} 張訓練影像、{test:,} 張測試影像（{profile} 設定檔）；樣本：{shape}"),
        "out_kernel_weights_maps": "卷積核 {kernel} → {weights:,} 個權重；特徵圖 {maps}",
        "out_largest_difference": "最大差異：{difference}",
        "out_measured_fields": "經過 {depths} 層後量測到的感受野：邊長 {fields} 像素",
        "out_receptive_fields": "逐層的感受野：邊長 {fields} 像素",
        "out_columns": "第 {first}–{last} 欄：{values}",
        "out_depthwise_cost": (
            "成本公式：{weights:,} 個權重、{multiply_adds:,} 次乘加；Keras 算出 {keras:,} 個權重"),
        "out_features_kernel": "特徵 {features} → 核 {kernel}",
        "out_patches": "鄰域 {shape}",
        "out_output_difference": "輸出 {shape}；與 involution.Involution 的最大差異：{difference}",
        "out_difference_scale": "最大差異：{difference}（輸出最大約為 {scale:.2f}）",
        "out_kernel_span_weights": "核 {shape}；span 卷積的權重：{weights:,} 個",
        "out_patches_difference": "鄰域 {shape}；最大差異：{difference}",
        "out_weight_shares": "K = {k}：分別是卷積權重數的 {shares}；極限是 {limit:.2%}",
        "out_kernel_sums_range": "核的總和從 {low:.4f} 到 {high:.4f}；最小的權重是 {smallest:.3f}",
        "out_data_epochs": "訓練 {train}、測試 {test}；{n} 個訓練週期，{profile} 設定檔",
        "out_bottleneck": "r = {ratio}：瓶頸有 {n} 個通道，共 {weights:,} 個權重",
        "out_train_test_distance": (
            "{network}：訓練 {train:.1%}，測試 {test:.1%}，相差 {points:+.1f} 個百分點"),
        "out_layer_kernels": "第 {i} 層：核 {shape}",
        "out_brightness_correlation": "亮度與第 1 層核總和的相關係數：{correlation:+.2f}",
        "out_difference_from_centre": "與中心位置的核相比，最大差異：{difference}",
        "out_uniform_maps": "逐層的均勻熱度圖數：{counts}，每層各 {n} 張影像",
        "out_fixed_kernel_shares": "逐層使用固定核的位置比例：{shares}",
        "out_query": "查詢：{query}",
        "out_keys_per_tap": "鍵，每個取樣點一對：",
        "out_scores": "分數：",
        "out_weights": "權重：",
        "out_sum_output": "總和：{sum:.2f}；輸出：{output}",
        "out_head_with_r": "注意力頭 {h}，加上 r：",
        "out_output_pixel": "輸出像素：{output}",
        "out_steps_by_hand": "在 ({i}, {j})，展開與 einsum 對照手算的步驟，最大差異：{difference}",
        "out_layer_against_unfold": (
            "在每個位置，LocalSelfAttention 對照展開與 einsum：輸出最大差異 {outputs}，"
            "權重最大差異 {weights}"),
        "out_corner_taps": "角落 (0, 0) 有權重的取樣點：{total} 個中的 {taps} 個",
        "out_attention_sums": "注意力權重 {shape}，總和介於 {low:.4f} 與 {high:.4f} 之間",
        "out_replayed_difference": "注意力與重播的內捲之間的最大差異：{difference}",
        "out_channels_groups": "C = {channels} 個通道，K = {k}，{n} 個群組或注意力頭",
        "out_global_local": (
            "{size}×{size}：全域／局部注意力：時間 {time:.2f} 倍，記憶體 {memory:.2f} 倍"),
        "out_plain_difference": "不用相對位置時的最大差異：{difference}",
        "out_growth": (
            "邊長從 {small} 變成 {large} 像素：局部注意力的乘加次數變為 {local:.2f} 倍，"
            "全域注意力變為 {whole:.2f} 倍"),
        "out_where_corner": "角落",
        "out_where_edge": "邊緣",
        "out_where_inside": "內部",
        "out_self_weight": (
            "{where}：自身權重 {weight:.2f}；平均分給 {taps} 個有效取樣點時為 {uniform:.2f}；"
            "比值 {ratio:.2f}"),
        "out_entropy": (
            "第 {i} 層：平均熵 {entropy:.2f} nat（平均分給 {taps} 個取樣點時為 {uniform:.2f}）"),
        "out_params_multiply_adds": (
            "{model}：{parameters:,} 個參數，每張影像 {multiply_adds:,} 次乘加"),
        "out_involution_layers": "內捲層：{names}",
        "out_width_ratios": (
            "C = {channels:3}，內捲／{layer}：時間 {time:.2f}，乘加次數 {multiply_adds:.3f}，"
            "權重數 {weights:.3f}，每次乘加的時間 {rate:.1f}"),
        "out_k7_gain": "3×3 → 7×7：RedNet 風格多 {rednet:,} 個參數，ResNet 風格多 {resnet:,} 個",
        "out_best_epoch": (
            "{model}：最高平均測試準確率 {accuracy:.1%}，在第 {epoch} 個訓練週期之後"
            "（共 {epochs} 個）"),
        "out_sweep_config": (
            "{batch} 張 {size}×{size} 像素的影像；C = {channels}，K = {k}，G = {groups}，r = {r}"),
        "out_per_position": (
            "每個位置：{inputs} 個輸入值、{kernel} 個核的值；前向搬動的資料量是深度卷積的 "
            "{ratio:.2f} 倍"),
        "out_tensor_input": "輸入",
        "out_tensor_kernel": "核",
        "out_tensor_patches": "展開張量",
        "out_tensor_size": "{name}：{mib:.1f} MiB",
        "out_unfold_ours": (
            "在 {size}×{size}：展開法花的時間是本書實作的 {unfold_time:.1f} 倍，記憶體是 "
            "{unfold_memory:.1f} 倍；本書實作花的時間是 DepthwiseConv2D 的 {ours_time:.1f} 倍"),
        "out_devices": (
            "{mechanism}，裝置 {devices}：損失相差 {loss}，梯度最多相差 {gradients}"
            "（最大的梯度 {gradient_max:.3f}）；每一步在一個裝置上 {one:.1f} 毫秒，"
            "在 {n} 個裝置上 {many:.1f} 毫秒"),
        "out_patches_kernel": "K = {k}：展開張量是輸入的 {patches} 倍，核是輸入的 {kernel:.2f} 倍",
        "out_time_growth": (
            "{implementation}：位置數變為 {positions:.1f} 倍，時間變為 {time:.1f} 倍"),
        "out_estimated_counted": (
            "{implementation}：估計 {estimated:.1f} MiB，計數 {counted:.1f} MiB"),
        "out_unfold_ratio": "展開法／本書實作：估計 {estimated:.1f} 倍，計數 {counted:.1f} 倍",
        "log_epoch": "訓練週期 {counter}  {metrics}  {seconds:.1f} 秒",
        "log_metric_loss": "損失",
        "log_metric_accuracy": "準確率",
        "log_metric_val_loss": "測試損失",
        "log_metric_val_accuracy": "測試準確率",
        "log_from_cache": "{name}：從訓練快取載入；以下是當初訓練時的紀錄：",
        "log_data_parallel": "在 {where} 上資料平行訓練：全域批次 {batch}，學習率 {rate:g}",
        "log_left_out": (
            "捨去最後 {train} 張訓練影像與 {test} 張測試影像：每個批次都必須平均分給各個裝置"),
    },
}


def _known(language):
    """``language``, if the book has its words; else an error that names the choices."""
    if language not in TEXT:
        raise ValueError(f"Unknown language {language!r}; choose one of {list(LANGUAGES)}.")
    return language


# Chinese text puts a space between a Chinese character and a Latin word ("RedNet 風格");
# where a field begins or ends with a Latin word, its template cannot, so text() does.
_CJK_LATIN = re.compile(r"(?<=[\u4e00-\u9fff])(?=[A-Za-z])|(?<=[A-Za-z])(?=[\u4e00-\u9fff])")


def text(language, key, **fields):
    """The label ``key`` in ``language``, with ``{fields}`` filled in.

    A count agrees with its noun: where the field ``n`` is 1 and the language has a
    ``key + "_one"`` entry ("1 group or head"), that entry is taken instead of ``key``
    ("{n} groups or heads"). Chinese has one form for every count, hence no such entries.
    In Chinese, a Latin word a field brings is set off from the characters around it by a
    space, as the templates do with their own.
    """
    labels = TEXT[_known(language)]
    if fields.get("n") == 1 and f"{key}_one" in labels:
        key = f"{key}_one"
    written = labels[key].format(**fields)
    return _CJK_LATIN.sub(" ", written) if language == "zh-tw" else written


# "3, 7, 11" in English; Chinese separates the items of a list with the enumeration comma.
_SEPARATOR = {"en": ", ", "zh-tw": "、"}


def listing(items, language):
    """``items`` written one after the other as a list in running text: ``"3, 7, 11"`` in
    English, ``"3、7、11"`` in Chinese (strings as they are, anything else through ``str``)."""
    _known(language)
    return _SEPARATOR[language].join(str(item) for item in items)


def _decimal(value, digits):
    # Rounded first, and + 0.0 turns -0.0 into 0.0: a tiny negative value is written "0.00".
    return f"{round(float(value), digits) + 0.0:.{digits}f}"


def signed(value, digits=2):
    """``value`` with ``digits`` decimals and its sign, as a weight is labelled: "+0.51",
    "-0.20", and "0.00" for a value that rounds to zero, never "-0.00"."""
    written = _decimal(value, digits)
    return written if written.startswith("-") or float(written) == 0 else f"+{written}"


def decimals(values, digits=2):
    """Numbers as a person writes them, with ``digits`` decimals each, never in e-notation.

    A vector is ``"(0.51, -0.30)"``; a matrix (a nested sequence or a 2-D array) is one
    line per row, its columns aligned: the way a grid of weights is read on the page.
    """
    rows = values.tolist() if hasattr(values, "tolist") else list(values)
    if not rows or not isinstance(rows[0], list | tuple):
        return "(" + ", ".join(_decimal(v, digits) for v in rows) + ")"
    written = [[_decimal(v, digits) for v in row] for row in rows]
    width = max(len(w) for row in written for w in row)
    return "\n".join("  ".join(w.rjust(width) for w in row) for row in written)


# "2.4 × 10⁻⁷" in English; a Taiwanese text sets the times sign without spaces: "2.4×10⁻⁷".
_TIMES = {"en": " × ", "zh-tw": "×"}
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
MINUS = "\u2212"  # −, the minus sign (not the hyphen) in front of a negative number


def scientific(value, language, digits=1):
    """``value`` written as a person writes it, never in e-notation.

    ``digits`` decimals of the mantissa: ``scientific(2.4e-7, "en")`` is ``"2.4 × 10⁻⁷"``,
    ``scientific(2.4e-7, "zh-tw")`` is ``"2.4×10⁻⁷"``. An exact zero is ``"0"``; a value that
    rounds to at least 0.01 and below 1000 is a plain decimal with as many significant digits
    or more (``"0.024"``, ``"5.7"``, ``"123"``). Rounding carries into the exponent
    (9.96e-8 is ``"1.0 × 10⁻⁷"``), and a negative value starts with the minus sign ``−``.
    """
    _known(language)
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError(f"digits must be a whole number of decimals, 0 or more; got {digits!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"Cannot write {value} as a number in the prose; it must be finite.")
    if value == 0:
        return "0"
    sign = MINUS if value < 0 else ""
    # Python rounds the mantissa correctly, carrying into the exponent: 9.96e-8 -> 1.0e-07.
    mantissa, exponent = f"{abs(value):.{digits}e}".split("e")
    exponent = int(exponent)
    if exponent >= -2:  # it rounds to 0.01 or more: a plain decimal, if below 1000 as written
        plain = f"{abs(value):.{max(0, digits - exponent)}f}"
        if float(plain) < 1000:
            return sign + plain
    return f"{sign}{mantissa}{_TIMES[language]}10{str(exponent).translate(_SUPERSCRIPT)}"


def markdown_table(headers, rows):
    """A Markdown table (for ``IPython.display.Markdown`` and ``myst_nb.glue``)."""
    lines = ["| " + " | ".join(map(str, headers)) + " |", "|" + " --- |" * len(headers)]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    return "\n".join(lines)
