#!/usr/bin/python3
"""Writes the image fixtures of tests/image_folder with Pillow (Debian's python3-pil): files that
stb_image_write cannot produce (progressive JPEG, palette and 16-bit PNG), each with the pixels
read_image must return, so that read_image is checked against another decoder.

Run: /usr/bin/python3 tests/image_folder/data/make_fixtures.py
Each <name>.<ext> gets <name>.chw: the expected pixels, raw uint8 in [C, H, W] order.
"""
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
HEIGHT, WIDTH = 16, 24


def pattern():
    """An RGB image with smooth gradients and sharp edges, so that a decoding mistake shows."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    red = x * 255 // (WIDTH - 1)
    green = y * 255 // (HEIGHT - 1)
    blue = np.where((x // 6 + y // 4) % 2 == 0, 40, 220)
    return np.stack([red, green, blue], axis=-1).astype(np.uint8)


def chw(array):
    return array[np.newaxis] if array.ndim == 2 else array.transpose(2, 0, 1)


def expect(name, pixels):
    """<name>.chw: the pixels read_image must return for <name>."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    (HERE / name).with_suffix(".chw").write_bytes(pixels.tobytes())
    print(f"{name}: expected [C, H, W] = {list(pixels.shape)}")


def pillow_decoding(name, mode):
    with Image.open(HERE / name) as image:
        return chw(np.asarray(image.convert(mode)))


def main():
    rgb = Image.fromarray(pattern(), "RGB")
    gray = rgb.convert("L")

    # Progressive JPEGs (lossy): expected = what Pillow (libjpeg) decodes from the same file.
    for name, image, mode in [("progressive_rgb.jpg", rgb, "RGB"), ("progressive_gray.jpg", gray, "L")]:
        image.save(HERE / name, quality=90, progressive=True)
        expect(name, pillow_decoding(name, mode))

    # Palette PNGs, one with a transparent entry: read_image expands them to RGB, alpha dropped.
    palette = rgb.quantize(colors=8)
    palette.save(HERE / "palette.png")
    palette.save(HERE / "palette_alpha.png", transparency=0)
    for name in ["palette.png", "palette_alpha.png"]:
        expect(name, chw(np.asarray(palette.convert("RGB"))))

    # 16-bit grayscale PNG: read_image keeps the high byte of each sample.
    wide = np.asarray(gray).astype(np.uint16) * 257 + np.arange(WIDTH, dtype=np.uint16)
    Image.fromarray(wide, "I;16").save(HERE / "gray16.png")
    expect("gray16.png", chw(wide >> 8))


if __name__ == "__main__":
    main()
