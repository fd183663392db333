"""Import throughput of the tender catalogue on a scaled-up real corpus (default 200,000 records).

Corpus: the 2,258 real notices of ../shared/data/pmmp-bdc (copied in oktra/tenders/demo_data),
scaled up by recombining them: record i takes the title of one real record, the buyer of a
second, the amount of a third and the publication time of a fourth (seeded draws), and a
reference made unique with its number ("<real reference>/S<i>"), as the data's README says.

Measured, on a fresh migrated database each:
- baseline: the same records parsed with json.loads and inserted as-is (no cleaning, no
  inference, no upsert) with one executemany per 500 rows into a bare table of the same columns;
- import: `oktra tenders import`'s path (portal adapter, normalization, buyers, region and
  sector inference, idempotent upsert), first into an empty catalogue;
- re-import: the same file again (every record unchanged).
Run: .venv/bin/python bench/import.py [--records 200000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path

SEED = 2026
BATCH = 500


def scaled_corpus(path: Path, count: int) -> None:
    """Write `count` recombined records, one JSON object a line."""
    from oktra.tenders.demo import DEMO_DIR

    real = [json.loads(line) for line in (DEMO_DIR / "attributed.jsonl").open(encoding="utf-8")]
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            title, buyer, amount, date = (rng.choice(real) for _ in range(4))
            record = {
                "reference": f"{title['reference'].strip()}/S{number}",
                "objet": title["objet"],
                "acheteur": buyer["acheteur"],
                "date_publication": date["date_publication"],
                "nombre_devis": amount["nombre_devis"],
                "attribue": True,
                "entreprise_attributaire": amount["entreprise_attributaire"],
                "montant": amount["montant"],
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def fresh_database(url: str | None, workdir: Path, name: str) -> str:
    """A migrated empty database: a SQLite file here, or a new PostgreSQL database."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from oktra import migrations

    if url is None:
        target = f"sqlite:///{workdir / (name + '.db')}"
    else:
        admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
        database = f"oktra_bench_{name}_{os.getpid()}"
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        admin.dispose()
        target = make_url(url).set(database=database).render_as_string(hide_password=False)
    migrations.upgrade(target)
    return target


def drop_database(server: str | None, url: str) -> None:
    """Drop a PostgreSQL database the benchmark made (SQLite files go with the temp folder)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from oktra.db import engine_for

    engine_for(url).dispose()
    if server is None:
        return
    admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}"'))
    admin.dispose()


def baseline(url: str, path: Path) -> float:
    """Seconds to load the raw records into a bare table, one executemany per batch."""
    from sqlalchemy import JSON, Column, Integer, MetaData, Table, Text, insert

    from oktra.db import engine_for

    engine = engine_for(url)
    table = Table(
        "bench_raw",
        MetaData(),
        Column("id", Integer, primary_key=True),
        *(
            Column(name, Text)
            for name in (
                "reference",
                "objet",
                "acheteur",
                "date_publication",
                "nombre_devis",
                "entreprise_attributaire",
                "montant",
            )
        ),
        Column("extra", JSON),
    )
    table.create(engine)
    started = time.perf_counter()
    with engine.begin() as connection, path.open(encoding="utf-8") as handle:
        rows = []
        for line in handle:
            record = json.loads(line)
            record.pop("attribue")
            rows.append({**record, "extra": {}})
            if len(rows) == BATCH:
                connection.execute(insert(table), rows)
                rows = []
        if rows:
            connection.execute(insert(table), rows)
    return time.perf_counter() - started


def oktra_import(url: str, path: Path) -> tuple[float, dict[str, int]]:
    """Seconds for OKTRA's import of the file, and its counts."""
    from oktra.db import engine_for, session_scope
    from oktra.tenders.service import import_file

    started = time.perf_counter()
    with session_scope(engine_for(url)) as session:
        report = import_file(session=session, path=path)
    return time.perf_counter() - started, report.counts()


def main() -> None:
    """Build the corpus, run the baseline and the import, print per-record costs and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL server (default SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        corpus = workdir / "scaled.jsonl"
        scaled_corpus(corpus, args.records)
        kind = "sqlite" if args.database_url is None else "postgresql"
        print(
            f"corpus: {args.records} records recombined from 2,258 real notices "
            f"(title, buyer, amount, date drawn separately, seed {SEED}); database: {kind}"
        )
        base_url = fresh_database(args.database_url, workdir, "baseline")
        url = fresh_database(args.database_url, workdir, "import")
        try:
            base = baseline(base_url, corpus)
            first, counts = oktra_import(url, corpus)
            again, counts_again = oktra_import(url, corpus)
        finally:
            drop_database(args.database_url, base_url)
            drop_database(args.database_url, url)
        per = {
            name: 1e6 * seconds / args.records
            for name, seconds in (("baseline", base), ("import", first), ("re-import", again))
        }
        print(f"baseline  (raw executemany): {base:7.1f} s  {per['baseline']:6.1f} µs/record")
        print(
            f"import    (empty catalogue): {first:7.1f} s  {per['import']:6.1f} µs/record  "
            f"{args.records / first:8.0f} records/s  ratio {first / base:4.1f}x baseline  "
            f"{counts}"
        )
        print(
            f"re-import (all unchanged):   {again:7.1f} s  {per['re-import']:6.1f} µs/record  "
            f"{args.records / again:8.0f} records/s  ratio {again / base:4.1f}x baseline  "
            f"unchanged {counts_again['unchanged']}"
        )


if __name__ == "__main__":
    main()
