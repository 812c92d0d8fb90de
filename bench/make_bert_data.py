"""The BERT benchmark's data: random token ids, as text for graft and as ids for the loops.

    python3 bench/make_bert_data.py OUT_DIR [--examples 400] [--length 128] [--vocab 30522] [--seed 1]

Writes into OUT_DIR:
  vocab.txt   [PAD] [UNK] [CLS] [SEP] [MASK], then made-up four-letter words (aaaa, aaab, ...) up to
              --vocab tokens: BERT's vocabulary size, so the embedding and its optimizer state are
              a real BERT's.
  train.csv   text,label: each text is length - 2 random words, so that BERT's tokenizer encodes it
              to exactly `length` ids ([CLS] words [SEP]), no padding, no truncation.
  ids.bin     the same encodings as int64 (little-endian) [examples, length];
  labels.bin  the labels as int64 [examples] (0 or 1, the order graft gives the classes "0", "1").
Standard library only; the same seed gives the same files.
"""
import argparse
import array
import os
import random
import string
import sys

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def word(i):
    letters = []
    for _ in range(4):
        i, r = divmod(i, 26)
        letters.append(string.ascii_lowercase[r])
    return "".join(reversed(letters))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--examples", type=int, default=400)
    parser.add_argument("--length", type=int, default=128)
    parser.add_argument("--vocab", type=int, default=30522)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    words = args.vocab - len(SPECIALS)
    if not 0 < words <= 26 ** 4:
        sys.exit(f"--vocab must be between {len(SPECIALS) + 1} and {26 ** 4 + len(SPECIALS)}")
    os.makedirs(args.out, exist_ok=True)
    vocab = SPECIALS + [word(i) for i in range(words)]
    with open(os.path.join(args.out, "vocab.txt"), "w") as f:
        f.write("\n".join(vocab) + "\n")

    rng = random.Random(args.seed)
    cls, sep = vocab.index("[CLS]"), vocab.index("[SEP]")
    ids = array.array("q")
    labels = array.array("q")
    with open(os.path.join(args.out, "train.csv"), "w") as f:
        f.write("text,label\n")
        for _ in range(args.examples):
            tokens = [rng.randrange(len(SPECIALS), args.vocab) for _ in range(args.length - 2)]
            label = rng.randrange(2)
            f.write(" ".join(vocab[t] for t in tokens) + f",{label}\n")
            ids.extend([cls] + tokens + [sep])
            labels.append(label)
    if sys.byteorder != "little":
        ids.byteswap()
        labels.byteswap()
    with open(os.path.join(args.out, "ids.bin"), "wb") as f:
        ids.tofile(f)
    with open(os.path.join(args.out, "labels.bin"), "wb") as f:
        labels.tofile(f)


if __name__ == "__main__":
    main()
