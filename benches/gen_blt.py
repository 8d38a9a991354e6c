#!/usr/bin/env python3
"""Writes a reproducible BLT ballot file for the STV/IRV benchmark (benches/stv_count.sh).

Usage: gen_blt.py OUT.blt [--papers N] [--seed S] [--seats K]

Plain Python 3, no dependencies; the same seed always gives the same file, byte for byte
(random.Random is a Mersenne Twister whose random() stream is stable across Python 3 versions,
and only random() is used).

Preference structure (20 candidates, 5 seats by default), chosen to look like a real co-op
board election while keeping the five winners clear, so that counters with different STV
rules must agree:
- two slates of 10 candidates; each voter leans to one slate (55 % / 45 %) and gives its
  candidates four times the weight of the other slate's;
- within each slate a few candidates are much more popular (two or three front-runners,
  then a long tail), so the five seats go to the front-runners by a wide margin;
- partial rankings: a voter ranks 1 to 20 candidates, about 4 on average (geometric),
  and 5 % rank every candidate;
- each preference after the first is drawn from the candidates not yet ranked, with the
  same weights (weighted sampling without replacement).
One line per paper (weight 1), as an online ballot exports them; the counters group or not
as they please. The first N papers of a larger file with the same seed are exactly the file
with N papers, so a smaller run is a true subset of the large one.
"""
import argparse
import random

NAMES = [
    # slate A
    "Amara Okafor", "Bruno Lefebvre", "Chiara Rossi", "Dmitri Volkov", "Elena Garcia",
    "Farid Haddad", "Grace Mensah", "Hiro Tanaka", "Ines Moreau", "Jonas Berg",
    # slate B
    "Kaveh Rahimi", "Lucia Fernandes", "Malik Johnson", "Nadia Petrova", "Oscar Lindqvist",
    "Priya Natarajan", "Quentin Dubois", "Rosa Martinez", "Samuel Osei", "Tamar Cohen",
]
# Popularity within each slate: front-runners, then a tail.
POPULARITY = [30, 18, 11, 3, 3, 2, 2, 2, 1, 1,
              28, 15, 3, 3, 2, 2, 2, 1, 1, 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--papers", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20240605)
    ap.add_argument("--seats", type=int, default=5)
    a = ap.parse_args()

    rng = random.Random(a.seed)
    n = len(NAMES)
    slate = [0] * 10 + [1] * 10
    # Per-slate weights: own slate x4.
    weights = [[POPULARITY[c] * (4 if slate[c] == s else 1) for c in range(n)] for s in (0, 1)]
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"{n} {a.seats}\n")
        lines = []
        for _ in range(a.papers):
            s = 0 if rng.random() < 0.55 else 1
            w = weights[s]
            if rng.random() < 0.05:
                length = n
            else:
                length = 1
                while length < n and rng.random() < 0.75:
                    length += 1
            # Weighted sampling without replacement (Efraimidis-Spirakis keys u^(1/w)):
            # the candidates with the largest keys, in order, are the ranking.
            keys = sorted(((rng.random() ** (1.0 / w[c]), c) for c in range(n)), reverse=True)
            lines.append("1 " + " ".join(str(c + 1) for _, c in keys[:length]) + " 0\n")
            if len(lines) >= 65536:
                f.writelines(lines)
                lines.clear()
        f.writelines(lines)
        f.write("0\n")
        for name in NAMES:
            f.write(f'"{name}"\n')
        f.write(f'"Concord benchmark: {a.papers} papers, {n} candidates, {a.seats} seats, seed {a.seed}"\n')


if __name__ == "__main__":
    main()
