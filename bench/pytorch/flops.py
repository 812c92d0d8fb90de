"""FLOPs per training example of each benchmark workload (bench/run.py runs it).

    /usr/bin/python3 bench/pytorch/flops.py CONFIG_JSON...     one JSON object: name -> counts

The count is of multiply-accumulates in convolutions, linear layers and attention's two batched
matmuls (forward hooks on the models of models.py, which are graft's networks, plus L^2 x hidden
x 2 per BERT layer), at 2 FLOPs each. Element-wise work (BatchNorm, activations, softmax,
LayerNorm, dropout, the optimizer) is left out: it is a few percent of these models' FLOPs.
Training costs 3 forward passes (forward; backward's gradients for the inputs and for the
weights), which overcounts the first layer slightly (no input gradient there). A frozen backbone
costs one forward pass; cached features cost nothing per step.
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import BertConfig, BertForSequenceClassification, ResNet, SmallCnn  # noqa: E402


def forward_macs(module, *inputs):
    """MACs per example of module(*inputs) in Conv2d and Linear layers."""
    total = [0]

    def hook(layer, args, output):
        per_output = (layer.in_channels // layer.groups) * layer.kernel_size[0] * layer.kernel_size[1] \
            if isinstance(layer, nn.Conv2d) else layer.in_features
        total[0] += output.numel() * per_output

    handles = [m.register_forward_hook(hook) for m in module.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        module(*inputs)
    for h in handles:
        h.remove()
    return total[0] / inputs[0].shape[0]


def count(config):
    model_cfg, data = config["model"], config["data"]
    kind, n = model_cfg["kind"], 2
    if kind == "bert":
        c = BertConfig(model_cfg["preset"], vocab_size=model_cfg["vocab_size"],
                       max_position_embeddings=model_cfg["max_position_embeddings"])
        model = BertForSequenceClassification(c, data["classes"]).eval()
        length = data["length"]
        ids = torch.ones(n, length, dtype=torch.long)
        backbone = forward_macs(model, ids, torch.zeros_like(ids), torch.ones_like(ids))
        backbone += c.num_hidden_layers * 2 * length * length * c.hidden_size  # QK^T and PV
        head = c.hidden_size * data["classes"]
        backbone -= head
    else:
        size = data["image_size"]
        x = torch.zeros(n, model_cfg["in_channels"], size, size)
        if kind == "small_cnn":
            model = SmallCnn(data["classes"], model_cfg["in_channels"], model_cfg["channels"], size,
                             model_cfg["hidden"], model_cfg["dropout"]).eval()
            head = model_cfg["hidden"] * data["classes"]
        else:
            model = ResNet(data["classes"], model_cfg["depth"], model_cfg["in_channels"]).eval()
            head = model.net.fc.in_features * data["classes"]
        backbone = forward_macs(model, x) - head
    probe = config.get("probe")
    if not probe:
        flops = 6 * (backbone + head)
    elif probe["cached"]:
        flops = 6 * head
    else:
        flops = 2 * backbone + 6 * head
    return {"forward_macs": backbone + head, "backbone_macs": backbone, "head_macs": head,
            "train_flops_per_example": flops}


def main():
    print(json.dumps({c["name"]: count(c) for c in map(json.loads, sys.argv[1:])}))


if __name__ == "__main__":
    main()
