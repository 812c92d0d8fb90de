"""The benchmark workloads as plain PyTorch training loops (bench/run.py runs them).

    /usr/bin/python3 bench/pytorch/loops.py CONFIG_JSON

CONFIG_JSON is the workload as bench/run.py derives it from the graft experiment file
(bench/workloads/*.toml): batch size, epochs, steps per epoch, warm-up steps, AdamW settings,
threads, data and model. The same JSON drives the hand-written LibTorch loop
(bench/libtorch/loops.cpp), so both run exactly the same work.

Timing: per epoch, from the end of its warm-up_steps-th optimizer step to the end of its last
step (time.perf_counter; CPU execution is synchronous). Data is loaded into memory before the
clock starts (reported as setup_seconds); per-batch work (gathering the batch, uint8 -> float,
resizing, normalising) runs on the training thread inside the timed region. Prints one JSON line.
"""
import gzip
import json
import math
import os
import struct
import sys
import time

PROCESS_START = time.perf_counter()

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import BertConfig, BertForSequenceClassification, ResNet, SmallCnn, adamw  # noqa: E402


# --- data --------------------------------------------------------------------------------------

def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.from_numpy(np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape).copy())


def first_per_class(labels, per_class, classes):
    """Indices of the first per_class examples of each class, in file order (all when 0)."""
    if per_class <= 0:
        return torch.arange(labels.numel())
    keep = []
    for c in range(classes):
        keep.append(torch.nonzero(labels == c).flatten()[:per_class])
    return torch.sort(torch.cat(keep)).values


def load_images(data):
    images = read_idx(os.path.join(data["path"], "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data["path"], "train-labels-idx1-ubyte.gz")).long()
    keep = first_per_class(labels, data.get("per_class", 0), data["classes"])
    return images[keep].contiguous(), labels[keep].contiguous()


def image_batch(images, index, data):
    """graft's image preprocessing for a batch: [0, 1] floats, antialiased bilinear resize of the
    shorter side to resize_size, centre crop image_size, (x - mean) / std."""
    x = images.index_select(0, index).unsqueeze(1).to(torch.float32).div_(255.0)
    size, resize = data["image_size"], data.get("resize_size", data["image_size"])
    if x.shape[-1] != resize:
        x = F.interpolate(x, size=(resize, resize), mode="bilinear", align_corners=False, antialias=True)
    if resize != size:
        top = int(round((resize - size) / 2.0))
        x = x[..., top:top + size, top:top + size]
    mean = torch.tensor(data["mean"], dtype=torch.float32).view(1, -1, 1, 1)
    std = torch.tensor(data["std"], dtype=torch.float32).view(1, -1, 1, 1)
    return (x - mean) / std


def small_cnn_batch(images, index, data):
    """small_cnn's collate: (x / 255 - mean) / std with scalar mean and std."""
    x = images.index_select(0, index).unsqueeze(1).to(torch.float32).div_(255.0)
    return (x - data["mean"][0]) / data["std"][0]


def load_tokens(data):
    ids = np.fromfile(data["ids"], dtype="<i8").reshape(-1, data["length"])
    labels = np.fromfile(data["labels"], dtype="<i8")
    return torch.from_numpy(ids.copy()), torch.from_numpy(labels.copy())


# --- workloads ---------------------------------------------------------------------------------

def build(config):
    """(model, inputs(index) -> forward args, labels, trainable parameters, examples)."""
    model_cfg, data = config["model"], config["data"]
    kind = model_cfg["kind"]
    if kind in ("small_cnn", "resnet"):
        images, labels = load_images(data)
        if kind == "small_cnn":
            model = SmallCnn(data["classes"], model_cfg["in_channels"], model_cfg["channels"], data["image_size"],
                             model_cfg["hidden"], model_cfg["dropout"])
            prepare = small_cnn_batch
        else:
            model = ResNet(data["classes"], model_cfg["depth"], model_cfg["in_channels"])
            prepare = image_batch
        return model, (lambda index: (prepare(images, index, data),)), labels
    if kind == "bert":
        ids, labels = load_tokens(data)
        c = BertConfig(model_cfg["preset"], vocab_size=model_cfg["vocab_size"],
                       max_position_embeddings=model_cfg["max_position_embeddings"], dropout=model_cfg["dropout"],
                       pad_token_id=model_cfg.get("pad_token_id", 0))
        model = BertForSequenceClassification(c, data["classes"])

        def inputs(index):
            batch = ids.index_select(0, index)
            return batch, torch.zeros_like(batch), torch.ones_like(batch)

        return model, inputs, labels
    raise SystemExit(f"unknown model kind {kind}")


def main():
    config = json.loads(sys.argv[1])
    torch.set_num_threads(config["threads"])
    torch.manual_seed(config["seed"])
    model, inputs, labels = build(config)
    batch, epochs = config["batch_size"], config["epochs"]
    steps, warmup = config["steps_per_epoch"], config["warmup_steps"]
    probe = config.get("probe")
    result = {"impl": "pytorch", "workload": config["name"]}

    if probe:
        # Linear probe: the backbone frozen and in eval mode, only the head trains.
        for p in model.parameters():
            p.requires_grad_(False)
        head = model.head_module()
        for p in head.parameters():
            p.requires_grad_(True)
        model.eval()
        head.train()
        params = list(head.parameters())
    else:
        model.train()
        params = list(model.parameters())
    optimizer = adamw(params, config["lr"], config["weight_decay"], tuple(config["betas"]), config["eps"],
                      config["decay_biases_and_norms"])

    n = labels.numel()
    assert steps <= n // batch, f"{steps} steps of {batch} need {steps * batch} examples, have {n}"
    cached = None
    if probe and probe["cached"]:
        start = time.perf_counter()
        with torch.no_grad():
            chunks = [model.features(*inputs(torch.arange(i, min(i + probe["feature_batch_size"], n))))
                      for i in range(0, n, probe["feature_batch_size"])]
        cached = torch.cat(chunks)
        result["feature_seconds"] = time.perf_counter() - start
    result["setup_seconds"] = time.perf_counter() - PROCESS_START

    generator = torch.Generator().manual_seed(config["seed"])
    timed = 0.0
    loss = None
    spans = []  # unix times of each epoch's timed span, to match a profile with
    for epoch in range(epochs):
        order = torch.randperm(n, generator=generator)
        clock = time.perf_counter()
        span_start = time.time()
        for step in range(steps):
            index = order[step * batch:(step + 1) * batch]
            target = labels.index_select(0, index)
            optimizer.zero_grad()
            if cached is not None:
                logits = model.head(cached.index_select(0, index))
            elif probe:
                with torch.no_grad():
                    features = model.features(*inputs(index))
                logits = model.head(features)
            else:
                logits = model(*inputs(index))
            loss = F.cross_entropy(logits, target)
            loss.backward()
            optimizer.step()
            if step + 1 == warmup:
                clock = time.perf_counter()
                span_start = time.time()
        timed += time.perf_counter() - clock
        spans.append([span_start, time.time()])

    timed_steps = epochs * (steps - warmup)
    result.update(timed_steps=timed_steps, timed_samples=timed_steps * batch, train_seconds=timed,
                  samples_per_s=timed_steps * batch / timed, final_loss=float(loss.item()),
                  threads=torch.get_num_threads(), spans=spans)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
