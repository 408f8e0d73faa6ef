"""What the ``thai_wrap`` filter costs a page: 50 product, producer and place
names rendered through it, against the same names rendered plain.

    .venv/bin/python bench/thai_wrap.py [--names 50] [--runs 20]

Needs no database. Prints the one-off cost of building the segmentation
dictionary in a process, a page of names never seen before (each segmented),
and the same page again (every name cached). Figures only, no asserts.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

from common import figure  # bench/common.py

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop.settings.local")

import django  # noqa: E402

django.setup()

import geothai  # noqa: E402
from django.template import Context, Template  # noqa: E402

from core import thai_text  # noqa: E402
from devdata import words  # noqa: E402

ROW = "{% for n in names %}<td>{{ n|thai_wrap }}</td>{% endfor %}"
PLAIN = "{% for n in names %}<td>{{ n }}</td>{% endfor %}"


def pages(count: int, runs: int, seed: int = 1) -> list[list[str]]:
    """``runs`` pages of ``count`` names no page shares: product + place."""
    rnd = random.Random(seed)  # noqa: S311 - repeatable names
    products = [thai for names in words.BASES.values() for thai, _ in names]
    places = [
        t.name_th
        for p in geothai.provinces()
        for a in geothai.districts(p.code)
        for t in geothai.subdistricts(a.code)
    ]
    return [
        [f"{rnd.choice(products)}{rnd.choice(places)}{i}" for i in range(count)]
        for _ in range(runs)
    ]


def timed(template: Template, names: list[str]) -> float:
    start = time.perf_counter()
    template.render(Context({"names": names}))
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--names", type=int, default=50)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    start = time.perf_counter()
    thai_text.thai_words("ผ้าครามลายขิด")
    first_use = time.perf_counter() - start
    print(f"first use in a process (import + dictionary): {first_use:.2f} s")
    figure("thai_wrap first use", first_use, "s", "once per process")

    wrapped, plain = Template(ROW), Template(PLAIN)
    fresh = [timed(wrapped, names) for names in pages(args.names, args.runs)]
    cached = [timed(wrapped, names) for names in pages(args.names, args.runs)]
    bare = [timed(plain, names) for names in pages(args.names, args.runs)]
    for label, values in (("new", fresh), ("cached", cached), ("plain", bare)):
        print(f"{args.names} {label} names: median {statistics.median(values):.2f} ms")
    figure(
        f"thai_wrap {args.names} new names",
        statistics.median(fresh),
        "ms",
        "< 50 ms",
    )
    figure(
        f"thai_wrap {args.names} cached names",
        statistics.median(cached),
        "ms",
        "< 2 ms",
        baseline=statistics.median(bare),
    )


if __name__ == "__main__":
    main()
