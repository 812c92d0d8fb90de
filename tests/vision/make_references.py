#!/usr/bin/python3
"""Writes tests/data/vision/references.json: what torchvision 0.14 computes, for graft's vision tests.

Pre-trained weights cannot be downloaded here and VGG16's are 550 MB, so every model is filled with
weights made by a formula that formula_weights.hpp implements identically in C++ (see
`formula_tensor`). The C++ tests never need Python: run this script again only when the formula,
the image or the list of architectures changes, with Debian's interpreter (torch 1.13,
torchvision 0.14):

    /usr/bin/python3 tests/vision/make_references.py
"""
import json
import math
import pathlib

import torch
import torchvision
from PIL import Image
from torchvision import transforms
from torchvision.transforms import functional as F

OUTPUT = pathlib.Path(__file__).resolve().parents[1] / "data" / "vision" / "references.json"
NUM_CLASSES = 10
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]

# name: (torchvision constructor, graft plugin, the plugin's params)
ARCHITECTURES = {
    "resnet18": (torchvision.models.resnet18, "resnet", {"depth": 18}),
    "resnet50": (torchvision.models.resnet50, "resnet", {"depth": 50}),
    "vgg11": (torchvision.models.vgg11, "vgg", {"depth": 11, "batch_norm": False}),
    "vgg11_bn": (torchvision.models.vgg11_bn, "vgg", {"depth": 11, "batch_norm": True}),
    "vgg16": (torchvision.models.vgg16, "vgg", {"depth": 16, "batch_norm": False}),
    "vgg16_bn": (torchvision.models.vgg16_bn, "vgg", {"depth": 16, "batch_norm": True}),
    "alexnet": (torchvision.models.alexnet, "alexnet", {}),
}


def hashed_uniform(numel, k):
    """numel values in [-1, 1) from an integer hash of (i, k): exact in int64 arithmetic in both languages.

    A hash rather than a smooth wave: periodic weights add up coherently over a conv's fan-in and
    blow activations up through fifty layers.
    """
    i = torch.arange(numel, dtype=torch.int64)
    x = (i * 2654435761 + k * 40503 + 1) % (1 << 32)
    x = x ^ (x >> 16)
    x = (x * 0x45D9F3B) % (1 << 32)
    x = x ^ (x >> 16)
    return x.to(torch.float64) / 4294967296.0 * 2.0 - 1.0


def formula_tensor(name, shape, k):
    """The k-th tensor (in sorted name order) of a formula state dict; keep in step with formula_weights.hpp.

    value[i] = scale(name, shape) applied to hashed_uniform(i, k) in float64, then cast to float32.
    The scales keep activations of order one through deep networks (eval-mode BatchNorm does not
    normalise them): He-uniform conv / linear weights, BN scales around 1, running variances in
    [1, 3).
    """
    if name.endswith("num_batches_tracked"):
        return torch.zeros(shape, dtype=torch.int64)
    numel = math.prod(shape)
    u = hashed_uniform(numel, k).reshape(shape)
    if name.endswith("running_var"):
        values = 2.0 + 1.0 * u
    elif name.endswith("running_mean"):
        values = 0.1 * u
    elif len(shape) >= 2:
        fan_in = numel // shape[0]
        values = math.sqrt(6.0 / fan_in) * u
    elif name.endswith("weight"):
        values = 1.0 + 0.2 * u
    else:
        values = 0.1 * u
    return values.to(torch.float32)


def formula_image(height, width):
    """A uint8 RGB image [3, H, W] from integers only, so that C++ makes the same bytes."""
    y = torch.arange(height, dtype=torch.int64).reshape(1, height, 1)
    x = torch.arange(width, dtype=torch.int64).reshape(1, 1, width)
    c = torch.arange(3, dtype=torch.int64).reshape(3, 1, 1)
    return ((x * (c + 1) * 3 + y * 5 + (x * y) // 16 + 40 * c) % 256).to(torch.uint8)


def to_pil(image_chw):
    return Image.fromarray(image_chw.permute(1, 2, 0).contiguous().numpy(), mode="RGB")


def model_reference(constructor, plugin, params, image):
    torch.manual_seed(0)
    model = constructor(num_classes=NUM_CLASSES).eval()
    head_name = "fc" if hasattr(model, "fc") else "classifier.6"
    first_conv = "conv1.weight" if hasattr(model, "conv1") else "features.0.weight"
    # torchvision's random initialisation after torch.manual_seed(0): graft's must draw the same.
    initial_values = {name: model.state_dict()[name].flatten()[:4].tolist()
                      for name in [first_conv, head_name + ".weight", head_name + ".bias"]}
    names = sorted(model.state_dict().keys())
    shapes = {name: list(tensor.shape) for name, tensor in model.state_dict().items()}
    model.load_state_dict({name: formula_tensor(name, shapes[name], k) for k, name in enumerate(names)})
    evaluation = transforms.Compose([
        transforms.Resize(256),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize(IMAGENET_MEAN, IMAGENET_STD),
    ])
    batch = evaluation(to_pil(image)).unsqueeze(0)
    with torch.no_grad():
        logits = model(batch)[0]
        features = {}
        head = model.get_submodule(head_name)
        head.register_forward_hook(lambda module, inputs, output: features.setdefault("x", inputs[0]))
        model(batch)
    return {
        "plugin": plugin,
        "params": params,
        "num_classes": NUM_CLASSES,
        "state_dict": [[name, shapes[name]] for name in names],
        "initial_values": initial_values,
        "logits": logits.tolist(),
        "first_features": features["x"][0, :4].tolist(),
    }


def center_crop_cases():
    """(height, width, crop) -> where torchvision's centre crop starts: Python's round() halves to even."""
    cases = []
    for height, width, crop in [(5, 5, 2), (7, 7, 2), (6, 9, 3), (9, 6, 4), (256, 256, 224), (255, 300, 224)]:
        index = torch.arange(height * width, dtype=torch.float32).reshape(1, height, width)
        first = int(F.center_crop(index, [crop, crop])[0, 0, 0].item())
        cases.append({"height": height, "width": width, "crop": crop, "top": first // width, "left": first % width})
    return cases


def resize_cases():
    """PIL's bilinear resize (antialiased when shrinking) of a small image, as ToTensor gives it."""
    image = formula_image(11, 17)
    cases = []
    for shorter in [5, 8, 23]:
        resized = transforms.ToTensor()(transforms.Resize(shorter)(to_pil(image)))
        cases.append({"height": 11, "width": 17, "shorter": shorter, "shape": list(resized.shape),
                      "values": resized.flatten().tolist()})
    return cases


def normalize_case():
    image = formula_image(2, 3)
    normalized = transforms.Normalize(IMAGENET_MEAN, IMAGENET_STD)(transforms.ToTensor()(to_pil(image)))
    return {"height": 2, "width": 3, "mean": IMAGENET_MEAN, "std": IMAGENET_STD, "values": normalized.flatten().tolist()}


def random_resized_crop_cases():
    """RandomResizedCrop.get_params then RandomHorizontalFlip's draw, from torch.manual_seed(seed).

    graft draws from a torch CPU generator seeded the same way, so the boxes must be identical.
    The 1000 x 10 image never fits a random box and takes the centre fallback.
    """
    cases = []
    for height, width in [(256, 256), (100, 300), (300, 40), (1000, 10)]:
        image = torch.zeros(3, height, width, dtype=torch.uint8)
        for seed in range(8):
            torch.manual_seed(seed)
            top, left, box_height, box_width = transforms.RandomResizedCrop.get_params(
                image, scale=[0.08, 1.0], ratio=[3.0 / 4.0, 4.0 / 3.0])
            flip = bool(torch.rand(1) < 0.5)
            cases.append({"height": height, "width": width, "seed": seed, "top": top, "left": left,
                          "box_height": box_height, "box_width": box_width, "flip": flip})
    return cases


def main():
    image = formula_image(256, 256)
    references = {
        "generated_by": "tests/vision/make_references.py, torch %s, torchvision %s" % (
            torch.__version__, torchvision.__version__),
        "image": {"height": 256, "width": 256},
        "models": {name: model_reference(*spec, image) for name, spec in ARCHITECTURES.items()},
        "transforms": {
            "center_crop": center_crop_cases(),
            "resize": resize_cases(),
            "normalize": normalize_case(),
            "random_resized_crop": random_resized_crop_cases(),
        },
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(references, indent=1) + "\n")
    for name, model in references["models"].items():
        print(name, ["%.4g" % value for value in model["logits"]])


if __name__ == "__main__":
    main()
