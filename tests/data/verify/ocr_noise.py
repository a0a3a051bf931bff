#!/usr/bin/env python3
"""ocr_noise.py — how the ocr-* screenshots of this suite were made.

    ocr_noise.py RATE SEED < clean.txt > noisy.txt

Applies OCR-like noise to the content of every chat line (not to header or
time lines, nor to the names before "："): with probability RATE per
character, a character with a look-alike is replaced by it (己/已/巳,
未/末, 人/入, 0/O, 1/l/I, full/half width), punctuation is dropped, or a
space is inserted.  Deterministic for a given SEED.
"""
import random
import sys

LOOKALIKE = {
    "已": "己", "己": "巳", "末": "未", "未": "末", "入": "人", "人": "入",
    "0": "O", "1": "l", "l": "1", "I": "l", "O": "0",
    "，": ",", "。": ".", "？": "?", "！": "!", "：": ":", "（": "(", "）": ")",
    "2": "２", "3": "３", "5": "５", "8": "８", "9": "９", "A": "Ａ",
}
PUNCT = set("，。？！、：；（）【】,.?!:;()")


def noisy(text, rate, rnd):
    out = []
    for ch in text:
        r = rnd.random()
        if r < rate:
            if ch in LOOKALIKE:
                out.append(LOOKALIKE[ch])
                continue
            if ch in PUNCT:
                continue
            out.append(ch + " ")
            continue
        out.append(ch)
    return "".join(out)


def main():
    rate, seed = float(sys.argv[1]), int(sys.argv[2])
    rnd = random.Random(seed)
    for line in sys.stdin.read().split("\n"):
        head, sep, body = line.partition("：")
        if line.startswith(("group:", "accused:", "date:")) or not line.strip():
            print(line)
        elif sep and len(head) <= 16:
            print(head + sep + noisy(body, rate, rnd))
        else:
            print(noisy(line, rate, rnd))


if __name__ == "__main__":
    main()
