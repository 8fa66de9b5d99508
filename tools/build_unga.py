"""Regenerate the UNGA package data (stancematrix/_datasets/unga/unga.bin) from the CSVs.

Usage::

    python tools/build_unga.py                    # ../shared/data/unga -> the package file
    python tools/build_unga.py --data DIR --out FILE
    python tools/build_unga.py --check            # exit 1 if the package file is stale
    python tools/build_unga.py --extract 5,47,5309 --out tests/data/unga   # a small extract

DIR holds ``votes.csv.gz``, ``roll_calls.csv.gz`` and ``roll_call_issues.csv.gz`` (or the
same names without ``.gz``). The output is deterministic: the same tables give the same
bytes. ``--extract`` instead copies every row about the given roll calls into three plain
CSV files under ``--out`` (used for the committed test extract).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stancematrix._datasets import unga as _unga  # noqa: E402 - after the path is set
from stancematrix.exceptions import StanceMatrixError  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "unga"
OUT = ROOT / "stancematrix" / "_datasets" / "unga" / _unga.PACKAGE_FILE
TABLES = ("votes", "roll_calls", "roll_call_issues")


def table(folder: Path, name: str) -> Path:
    """The path of table *name* in *folder*, compressed or not."""
    for candidate in (folder / f"{name}.csv.gz", folder / f"{name}.csv"):
        if candidate.exists():
            return candidate
    raise SystemExit(f"build_unga: no {name}.csv.gz or {name}.csv in {folder}")


def build(folder: Path) -> bytes:
    """The package file for the tables in *folder*."""
    data = _unga.read_csv(*(table(folder, name) for name in TABLES))
    return _unga.encode(data)


def extract(folder: Path, rcids: set[str], out: Path) -> None:
    """Copy the rows of *folder*'s tables that concern *rcids* to plain CSVs in *out*."""
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        path = table(folder, name)
        raw = path.read_bytes()
        text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader)
        rows = [row for row in reader if row[0] in rcids]
        with open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        print(f"{out / (name + '.csv')}: {len(rows)} rows")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help=f"CSV folder (default {DATA})")
    parser.add_argument("--out", type=Path, default=None, help=f"output (default {OUT})")
    parser.add_argument("--extract", help="comma-separated rcids: write a CSV extract instead")
    parser.add_argument(
        "--check", action="store_true", help="only compare the output file with a fresh build"
    )
    args = parser.parse_args(argv)
    if args.extract:
        extract(args.data, set(args.extract.split(",")), args.out or ROOT / "tests/data/unga")
        return 0
    out = args.out or OUT
    try:
        blob = build(args.data)
    except StanceMatrixError as error:
        print(f"build_unga: {error}", file=sys.stderr)
        return 1
    if args.check:
        same = out.exists() and out.read_bytes() == blob
        print(f"{out}: {'up to date' if same else 'differs from a fresh build'}")
        return 0 if same else 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(blob)
    data = _unga.decode(blob)
    votes = len(data.votes) - data.votes.count(0)
    print(
        f"{out}: {len(blob):,} bytes; {len(data.actors)} countries, "
        f"{len(data.roll_calls['rcid']):,} roll calls, {votes:,} votes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
