"""Speed of the deterministic pre-pass: ``load_report`` + ``find_quantities``, by input size.

Usage: python bench/prepass_speed.py [--repeat 3] [--sizes 10000,100000,1000000]

The five sample reports are concatenated, whole, until each size is reached (the last
report is cut at a line end, so the text stays a plausible report); the text is passed as a
string, so no disk I/O is timed. Each phase is measured ``--repeat`` times and the median
is kept. A ratio near 1.0 at every size means the pre-pass scales linearly with the text.
"""

from __future__ import annotations

import argparse

from common import SAMPLES, machine_line, median_seconds, report_text, table

from rulelaw_llm import find_quantities, load_report


def corpus(size: int) -> str:
    """Whole sample reports, one after another, up to ``size`` characters."""
    reports = [report_text(slug).strip() + "\n\n" for slug in SAMPLES]
    parts: list[str] = []
    length = 0
    index = 0
    while length < size:
        text = reports[index % len(reports)]
        if length + len(text) > size:
            text = text[: size - length]
            text = text[: text.rfind("\n") + 1] or text
        parts.append(text)
        length += len(text)
        index += 1
    return "".join(parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]

    find_quantities(load_report(corpus(sizes[0])).text)  # warm up: imports, regexes
    rows = []
    base_rate = None
    for size in sizes:
        text = corpus(size)
        cleaned = load_report(text).text
        quantities = len(find_quantities(cleaned))
        load = median_seconds(lambda text=text: load_report(text), repeat=args.repeat)
        find = median_seconds(lambda cleaned=cleaned: find_quantities(cleaned), repeat=args.repeat)
        rate = len(text) / (load + find)
        base_rate = base_rate or rate
        rows.append(
            [
                f"{len(text):,}",
                quantities,
                f"{load * 1000:,.1f}",
                f"{find * 1000:,.1f}",
                f"{(load + find) * 1000:,.1f}",
                f"{rate:,.0f}",
                f"{rate / base_rate:.2f}",
            ]
        )
    print(f"pre-pass speed · median of {args.repeat} · {machine_line()}\n")
    print(
        table(
            [
                "characters",
                "quantities",
                "load_report ms",
                "find_quantities ms",
                "total ms",
                "chars/s",
                "chars/s ÷ smallest size's",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
