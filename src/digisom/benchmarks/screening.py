"""Screening quality and speed on public benchmark data (`digisom bench screening`).

Recall: 683 UN-listed persons with typos and variations (from OpenSanctions' yente benchmark)
screened against the UN list. False positives: 1,000 synthetic multi-script persons that are on no
list, screened against OFAC SDN and UN. Cross-script: moov-io/watchman's name pairs, each with the
minimum score it expects. Throughput: every query of both sets against SDN + UN on one core, first
with cold caches and then again with warm ones.
"""

import csv
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digisom.compliance.defaults import names_directory, sanctions_directory
from digisom.compliance.limits import MATCH_THRESHOLD_DEFAULT
from digisom.compliance.lists import ListVersion, load_list
from digisom.compliance.pairs import compare_pair
from digisom.compliance.screening.qualifiers import normalize_country
from digisom.compliance.screening.screen import MATCHER_ID, Screener
from digisom.errors import ConfigurationError, InvalidInput

POSITIVES_FILE = "yente_positives_un_treated.csv"
NEGATIVES_FILE = "yente_negatives_global.csv"
CROSS_SCRIPT_FILE = "watchman_cross_script_pairs.csv"


@dataclass(frozen=True, slots=True)
class Person:
    """One benchmark query: a full name and the qualifiers the file gives."""

    name: str
    dob: str | None
    country: str | None


def read_people(path: Path) -> list[Person]:
    """Read a yente benchmark CSV; nationalities that map to no country are left out."""
    people: list[Person] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                country = normalize_country(row["nationality"]) if row["nationality"] else None
            except InvalidInput:
                country = None
            people.append(Person(row["full_name"], row["date_of_birth"] or None, country))
    return people


def read_cross_script(path: Path) -> list[tuple[str, str, float, str]]:
    """Rows of query, expected match, minimum score, description; '#' lines are comments."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return [(row[0], row[1], float(row[2]), row[3]) for row in csv.reader(lines)]


def _hit_rate(screener: Screener, people: list[Person], qualifiers: bool) -> float:
    hits = 0
    for person in people:
        dob, country = (person.dob, person.country) if qualifiers else (None, None)
        try:
            found = screener.screen([person.name], dob, country)
        except InvalidInput:
            found = screener.screen([person.name])
        hits += bool(found)
    return hits / len(people)


def _throughput(screener: Screener, people: list[Person]) -> tuple[float, float]:
    """Screenings per second of wall time and per second of this process's CPU time.

    Both are reported because a shared machine slows the wall clock without the code being any
    slower; the CPU rate is what one dedicated core would do.
    """
    wall_started, cpu_started = time.perf_counter(), time.process_time()
    for person in people:
        try:
            screener.screen([person.name], person.dob, person.country)
        except InvalidInput:
            screener.screen([person.name])
    wall = time.perf_counter() - wall_started
    cpu = time.process_time() - cpu_started
    return len(people) / wall, len(people) / cpu


def _cross_script(path: Path) -> dict[str, Any]:
    rows = read_cross_script(path)
    failures = []
    for query, expected, minimum, description in rows:
        score = compare_pair(query, expected)
        if score < minimum:
            failures.append(
                {
                    "query": query,
                    "expected": expected,
                    "min_score": minimum,
                    "score": round(score, 4),
                    "description": description,
                }
            )
    return {"pairs": len(rows), "met": len(rows) - len(failures), "failures": failures}


def run_screening_benchmark() -> dict[str, Any]:
    """Measure everything and return one JSON-ready object."""
    sanctions, names = sanctions_directory(), names_directory()
    if sanctions is None or names is None:
        raise ConfigurationError("benchmark data not found: set DIGISOM_SANCTIONS_DIR")
    started = time.perf_counter()
    sdn: ListVersion = load_list(sanctions / "ofac")
    un: ListVersion = load_list(sanctions / "un" / "UN_consolidated.xml")
    loaded = time.perf_counter()
    un_screener, all_screener = Screener([un]), Screener([sdn, un])
    indexed = time.perf_counter()
    positives = read_people(names / POSITIVES_FILE)
    negatives = read_people(names / NEGATIVES_FILE)
    queries = positives + negatives
    cold = _throughput(all_screener, queries)
    warm = _throughput(all_screener, queries)
    return {
        "matcher": MATCHER_ID,
        "threshold": MATCH_THRESHOLD_DEFAULT,
        "lists": {"ofac_sdn_entries": len(sdn.entries), "un_entries": len(un.entries)},
        "indexed_names_sdn_un": len(all_screener.index.names),
        "load_s": round(loaded - started, 2),
        "index_build_s": round(indexed - loaded, 2),
        "recall_un_positives": round(_hit_rate(un_screener, positives, qualifiers=True), 4),
        "recall_un_positives_name_only": round(_hit_rate(un_screener, positives, False), 4),
        "false_positive_rate_negatives": round(_hit_rate(all_screener, negatives, True), 4),
        "false_positive_rate_negatives_name_only": round(
            _hit_rate(all_screener, negatives, False), 4
        ),
        "cross_script": _cross_script(names / CROSS_SCRIPT_FILE),
        "throughput_queries": len(queries),
        "screenings_per_s_cold_wall": round(cold[0]),
        "screenings_per_s_cold_cpu": round(cold[1]),
        "screenings_per_s_warm_wall": round(warm[0]),
        "screenings_per_s_warm_cpu": round(warm[1]),
    }
