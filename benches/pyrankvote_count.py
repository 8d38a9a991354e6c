#!/usr/bin/env python3
"""Counts a BLT ballot file with pyrankvote: the Python baseline of benches/stv_count.sh.

Usage: pyrankvote_count.py FILE.blt --method stv|irv [--seats N] [--papers N]

Prints one JSON object: method, seats, papers counted, elected (names in pyrankvote's
order of election), and the seconds spent reading the file and counting.
--papers N counts only the first N papers of the file (a documented subset).

pyrankvote has no notion of a paper's weight, so a BLT line of weight w becomes w
references to one immutable Ballot object (the same thing pyrankvote would get from w
identical ballots, without building w objects).
Its STV is not the Scottish rule Concord applies: the quota is votes/(seats+1) without
the +1 and in floating point, a surplus is shared equally among all the papers on the
elected candidate's pile whatever their current value, and candidates who cannot catch
up are excluded in bulk. Its IRV is preferential block voting with one seat.
"""
import argparse
import importlib.metadata
import json
import shlex
import sys
import time


def read_blt(path, limit=None):
    """Returns (names, seats, withdrawn set of 0-based ids, [(weight, [0-based ids])])."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    header = lines[0].split()
    n, seats = int(header[0]), int(header[1])
    withdrawn, papers, i, counted = set(), [], 1, 0
    while True:
        toks = lines[i].split()
        i += 1
        if not toks:
            continue
        if toks[0] == "0":
            break
        if toks[0].startswith("-"):
            withdrawn.update(-int(t) - 1 for t in toks)
            continue
        weight = int(toks[0])
        ranking = [int(t) - 1 for t in toks[1:-1]]
        if limit is not None:
            if counted >= limit:
                continue
            weight = min(weight, limit - counted)
        counted += weight
        papers.append((weight, ranking))
    names = shlex.split(" ".join(lines[i:]))[:n]
    return names, seats, withdrawn, papers


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--method", choices=["stv", "irv"], default="stv")
    ap.add_argument("--seats", type=int)
    ap.add_argument("--papers", type=int, help="count only the first N papers")
    a = ap.parse_args()
    try:
        import pyrankvote
        from pyrankvote import Ballot, Candidate
    except ImportError:
        print("pyrankvote is not installed (pip install --user pyrankvote)", file=sys.stderr)
        sys.exit(3)

    t0 = time.perf_counter()
    names, seats, withdrawn, papers = read_blt(a.file, a.papers)
    seats = a.seats or seats
    candidates = [Candidate(name) for name in names]
    ballots = []
    for weight, ranking in papers:
        marks = [candidates[c] for c in ranking if c not in withdrawn]
        ballots.extend([Ballot(ranked_candidates=marks)] * weight)
    standing = [c for i, c in enumerate(candidates) if i not in withdrawn]
    t1 = time.perf_counter()
    if a.method == "stv":
        result = pyrankvote.single_transferable_vote(standing, ballots, number_of_seats=seats)
    else:
        seats = 1
        result = pyrankvote.instant_runoff_voting(standing, ballots)
    t2 = time.perf_counter()
    print(json.dumps({
        "counter": "pyrankvote " + importlib.metadata.version("pyrankvote"),
        "method": a.method,
        "seats": seats,
        "papers": len(ballots),
        "elected": [c.name for c in result.get_winners()],
        "read_seconds": round(t1 - t0, 3),
        "count_seconds": round(t2 - t1, 3),
    }))


if __name__ == "__main__":
    main()
