"""Alert matching: 1,000 new tenders against 100,000 saved searches, index against naive loop.

No database: the engine (oktra/alerts/matching.py) reads tenders and searches as plain values.

Tenders (--tenders, default 1,000), seeded (--seed): the title of one real notice and the
buyer of another (the 2,382 real notices of oktra/tenders/demo_data), a reference; tokens by
the shared normalizer (searchtext.tokens: the title; the buyer and the reference), region and
province inferred as the importer does (gazetteer.infer_region: a place of execution for 60%,
drawn among the gazetteer's names of regions, provinces and communes, else the buyer, else the
title), sectors assigned from the title (sectors.assign_sectors); then drawn: category (by
the title's first words, as the demo does; 10% another), procedure, estimate (80%, 10,000 to
10,000,000 MAD, log-uniform), SME reservation (15%), published in the last two days, deadline
1 to 45 days ahead (5% passed), status open (90%), postponed, closed or cancelled.

Saved searches (--searches, default 100,000), each as an alert keeps it (alert_criteria:
status open, no publication dates). 85% with words of a random real title (words giving a
search token, digits left out), led by a content word (one in at most 10% of the notices:
not "ACHAT", "COMMUNE", "FOURNITURES", "MATERIEL", "PROFIT"...), then one more word (35%) or
two (15%) of the same title, 15% of the multi-word ones as a quoted phrase of the content word
and its neighbour, 5% with an -excluded content word of another title; with sectors (40%,
1-3) and regions (45%, 1-2). 15% without words: the user's sectors of interest (1-3) and, for
70%, regions (1-2), as a new alert starts. All: provinces (8%), a category (25%), a budget
range (15%), a deadline window (10%), SME reservation (5%), a buyer (3%).

Measured with time.perf_counter (CPU time too), one process, one thread:
- index build: MatchIndex with the token frequencies of the real corpus (the job takes them
  from the latest 20,000 tenders), every search put (compiled and indexed);
- match: MatchIndex.match of every tender at `now` (the first call: the large sets are turned
  into integers then), and again one tender a call, as engine.match_new_tenders calls it;
- memory: tracemalloc's peak over build + match (a second, traced run: tracing slows it), and
  the process's RSS before and after the first build + match, and its peak (ru_maxrss);
- naive loop, same run: naive_match (every search compiled and tested against every tender)
  on a random sample of searches (--naive, default 10,000) and every tender, extrapolated to
  every search; the engine's matches restricted to the sample must be identical.
Run: .venv/bin/python bench/match.py [--searches 100000] [--tenders 1000] [--seed 2026]
     [--naive 10000]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PROCEDURES = ("Appel d'offres ouvert", "Appel d'offres restreint", "Bon de commande", "Concours")
STATUSES = (("open", 90), ("postponed", 4), ("closed", 3), ("cancelled", 3))


@dataclass(frozen=True)
class Real:
    """One real notice: what the benchmark borrows from it."""

    title: str
    buyer: str
    reference: str


def real_notices() -> list[Real]:
    """The 2,258 + 124 real notices of the demo data."""
    from oktra.tenders.demo import DEMO_DIR

    records = [json.loads(line) for line in (DEMO_DIR / "attributed.jsonl").open(encoding="utf-8")]
    records += json.loads((DEMO_DIR / "by-nature.json").read_text(encoding="utf-8"))
    return [
        Real(record["objet"].strip(), record["acheteur"].strip(), record["reference"].strip())
        for record in records
    ]


def rss_mib() -> float:
    """The process's resident memory now, in MiB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_rss_mib() -> float:
    """The process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _category(title: str, rng: random.Random) -> str:
    words = title.upper()
    if rng.random() < 0.1:
        return rng.choice(("works", "supplies", "services"))
    if any(word in words for word in ("TRAVAUX", "CONSTRUCTION", "AMENAGEMENT", "REFECTION")):
        return "works"
    if any(word in words for word in ("ACHAT", "ACQUISITION", "FOURNITURE")):
        return "supplies"
    return "services"


def _weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def make_tenders(real: list[Real], count: int, rng: random.Random) -> list:
    """`count` new tenders as the matching job reads them."""
    from oktra.alerts.matching import TenderFacts
    from oktra.tenders.gazetteer import infer_region, load_gazetteer
    from oktra.tenders.searchtext import tokens
    from oktra.tenders.sectors import assign_sectors

    gazetteer = load_gazetteer()
    places = [" ".join(name) for name in gazetteer.names]
    buyer_ids = {name: number for number, name in enumerate(sorted({r.buyer for r in real}), 1)}
    tenders = []
    for number in range(1, count + 1):
        source, buyer = rng.choice(real), rng.choice(real).buyer
        reference = f"{number:04d}/{rng.choice(real).reference}"
        place = rng.choice(places) if rng.random() < 0.6 else None
        region, province = infer_region(place=place, buyer=buyer, title=source.title)
        estimate = None
        if rng.random() < 0.8:
            estimate = Decimal(round(10 ** rng.uniform(4, 7), -2)).quantize(Decimal("0.01"))
        passed = rng.random() < 0.05
        deadline = NOW + (
            -timedelta(days=rng.randint(1, 10)) if passed else timedelta(days=rng.randint(1, 45))
        )
        tenders.append(
            TenderFacts(
                id=number,
                title_tokens=tuple(tokens(source.title)),
                other_tokens=tuple(tokens(f"{buyer} {reference}")),
                category=_category(source.title, rng),
                procedure=rng.choice(PROCEDURES),
                region=region,
                province=province,
                sectors=tuple(assign_sectors(source.title)),
                buyer_id=buyer_ids[buyer],
                reserved_sme=rng.random() < 0.15,
                estimate=estimate,
                published_at=NOW - timedelta(minutes=rng.randint(0, 2 * 24 * 60)),
                deadline_at=deadline,
                status=_weighted(rng, STATUSES),
            )
        )
    return tenders


GENERIC = 0.10


def title_words(real: list[Real], frequencies: Counter) -> list[tuple[list[str], list[str]]]:
    """Each real title's words that give a search token (digits-only left out), and those of
    them that say what is bought: words of at most GENERIC of the notices ("ACHAT", "COMMUNE",
    "FOURNITURES", "AU PROFIT DE" are in more; an alert is not made of them alone)."""
    from oktra.tenders.searchtext import tokens

    found = []
    limit = GENERIC * len(real)
    for notice in real:
        words = [w for w in notice.title.split() if any(not t.isdigit() for t in tokens(w))]
        content = [w for w in words if all(frequencies[t] <= limit for t in tokens(w))]
        if content:
            found.append((words, content))
    return found


def make_searches(real: list[Real], frequencies: Counter, count: int, rng: random.Random) -> dict:
    """`count` saved searches, as alerts keep them, by id."""
    from oktra.alerts.service import alert_criteria
    from oktra.tenders.criteria import Criteria
    from oktra.tenders.gazetteer import REGION_LABELS, load_gazetteer
    from oktra.tenders.models import NATIONAL
    from oktra.tenders.sectors import LABELS

    sectors = list(LABELS)
    regions = [code for code in REGION_LABELS if code != NATIONAL]
    provinces = list(load_gazetteer().provinces)
    titles = title_words(real, frequencies)
    buyers = len({r.buyer for r in real})
    searches = {}
    for search_id in range(1, count + 1):
        fields: dict = {}
        if rng.random() < 0.85:
            words, content = rng.choice(titles)
            first = rng.choice(content)
            size = _weighted(rng, ((1, 50), (2, 35), (3, 15)))
            others = [word for word in words if word != first]
            if size >= 2 and rng.random() < 0.15:
                # A phrase: the content word and its neighbour, in the title's order.
                at = words.index(first)
                pair = words[at : at + 2] if at + 1 < len(words) else words[at - 1 : at + 1]
                units = [f'"{" ".join(pair)}"']
            else:
                units = [first, *rng.sample(others, min(len(others), size - 1))]
            if rng.random() < 0.05:
                units.append("-" + rng.choice(rng.choice(titles)[1]))
            fields["text"] = " ".join(units)
            if rng.random() < 0.40:
                fields["sectors"] = tuple(rng.sample(sectors, rng.randint(1, 3)))
            if rng.random() < 0.45:
                fields["regions"] = tuple(rng.sample(regions, rng.randint(1, 2)))
        else:
            # No words: the user's sectors, and often regions, of interest.
            fields["sectors"] = tuple(rng.sample(sectors, rng.randint(1, 3)))
            if rng.random() < 0.7:
                fields["regions"] = tuple(rng.sample(regions, rng.randint(1, 2)))
        if rng.random() < 0.08:
            fields["provinces"] = tuple(rng.sample(provinces, rng.randint(1, 2)))
        if rng.random() < 0.25:
            fields["categories"] = (rng.choice(("works", "supplies", "services")),)
        if rng.random() < 0.15:
            low = Decimal(rng.choice((0, 50_000, 100_000, 500_000, 1_000_000)))
            fields["budget_min"] = low if rng.random() < 0.7 else None
            fields["budget_max"] = low * 10 + 100_000 if rng.random() < 0.6 else None
        if rng.random() < 0.10:
            fields["deadline_min_days"] = rng.choice((None, None, 3, 7))
            fields["deadline_max_days"] = rng.choice((7, 14, 30, 60))
        if rng.random() < 0.05:
            fields["reserved_sme"] = True
        if rng.random() < 0.03:
            fields["buyers"] = (rng.randint(1, buyers),)
        searches[search_id] = alert_criteria(Criteria(**fields))
    return searches


def corpus_frequencies(real: list[Real]) -> Counter:
    """How many real notices hold each token (what engine.token_frequencies counts)."""
    from oktra.tenders.searchtext import tokens

    counts: Counter = Counter()
    for notice in real:
        counts.update(set(tokens(notice.title)) | set(tokens(f"{notice.buyer} {notice.reference}")))
    return counts


def build_index(searches: dict, frequencies: Counter):
    """The index of every search, as the matching job builds it."""
    from oktra.alerts.matching import MatchIndex
    from oktra.tenders.gazetteer import REGION_LABELS, load_gazetteer
    from oktra.tenders.models import NATIONAL

    index = MatchIndex(
        regions=[code for code in REGION_LABELS if code != NATIONAL],
        provinces=list(load_gazetteer().provinces),
        frequencies=frequencies,
    )
    for search_id, criteria in searches.items():
        index.put(search_id, criteria)
    return index


def one_at_a_time(index, tenders: list) -> dict:
    """The matches, one tender a call (as the matching job reads its rows)."""
    found = {}
    for tender in tenders:
        found.update(index.match([tender], NOW))
    return found


def timed(function, *args):
    """(result, wall seconds, CPU seconds) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    """Draw the tenders and searches, time the index and the naive loop, print the ratio."""
    from oktra.alerts.matching import naive_match

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=100_000)
    parser.add_argument("--tenders", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--naive", type=int, default=10_000, help="searches in the naive sample")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    real = real_notices()
    tenders = make_tenders(real, args.tenders, rng)
    frequencies = corpus_frequencies(real)
    searches = make_searches(real, frequencies, args.searches, rng)
    words = sum(1 for criteria in searches.values() if criteria.text)
    print(
        f"corpus: {len(real):,} real notices; {len(tenders):,} tenders, {len(searches):,} "
        f"saved searches ({words / len(searches):.0%} with words), seed {args.seed}"
    )

    before = rss_mib()
    index, build_wall, build_cpu = timed(build_index, searches, frequencies)
    found, match_wall, match_cpu = timed(index.match, tenders, NOW)
    after = rss_mib()
    one_by_one, single_wall, _ = timed(one_at_a_time, index, tenders)
    assert one_by_one == found
    pairs = sum(len(ids) for ids in found.values())
    hit = len({search_id for ids in found.values() for search_id in ids})
    passed = [index.candidates(tender, NOW) for tender in tenders]
    verified = sum(not index.searches[sid].settled for ids in passed for sid in ids)
    print(f"index build: {build_wall:6.2f} s (CPU {build_cpu:.2f} s), {len(index):,} searches")
    print(
        f"match:       {match_wall:6.2f} s (CPU {match_cpu:.2f} s), "
        f"{1e3 * match_wall / len(tenders):.2f} ms/tender; one tender a call: "
        f"{single_wall:.2f} s; per tender {sum(map(len, passed)) / len(tenders):,.0f} searches "
        f"pass the sets, {verified / len(tenders):,.0f} of them verified; {pairs:,} matches, "
        f"{len(found):,} tenders matched, {hit:,} searches matched"
    )

    del index
    tracemalloc.start()
    traced = build_index(searches, frequencies)
    traced.match(tenders, NOW)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced
    print(
        f"memory:      tracemalloc peak over build + match {peak / 2**20:,.1f} MiB; RSS "
        f"{before:,.0f} MiB before, {after:,.0f} MiB after, peak {peak_rss_mib():,.0f} MiB"
    )

    sample_ids = sorted(rng.sample(sorted(searches), min(args.naive, len(searches))))
    sample = {search_id: searches[search_id] for search_id in sample_ids}
    naive, naive_wall, naive_cpu = timed(naive_match, sample, tenders, NOW)
    chosen = set(sample_ids)
    restricted = {
        tender_id: kept
        for tender_id, ids in found.items()
        if (kept := [search_id for search_id in ids if search_id in chosen])
    }
    assert restricted == naive, "the index and the naive loop disagree on the sample"
    scale = len(searches) / len(sample)
    extrapolated = naive_wall * scale
    print(
        f"naive loop:  {naive_wall:6.2f} s (CPU {naive_cpu:.2f} s) for {len(sample):,} searches x "
        f"{len(tenders):,} tenders, {sum(len(ids) for ids in naive.values()):,} matches, "
        f"identical to the index's on this sample; extrapolated to {len(searches):,} searches: "
        f"{extrapolated:,.1f} s"
    )
    goal = "met" if match_wall <= 2 and extrapolated / match_wall >= 50 else "NOT met"
    print(
        f"ratio:       naive (extrapolated) / index match = {extrapolated / match_wall:,.0f}x; "
        f"with the build: {extrapolated / (build_wall + match_wall):,.1f}x; "
        f"goal (match <= 2 s, >= 50x) {goal}"
    )
    if math.isclose(scale, 1.0):
        print("(the sample is every search: nothing extrapolated)")


if __name__ == "__main__":
    main()
