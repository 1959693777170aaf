"""`digisom compliance ...`: screen names against sanctions lists and compare names.

Thin layer over `digisom.compliance`: parse options, call the pure core, print JSON or text.
"""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from digisom.commands import compliance_lists
from digisom.compliance.catalog import load_versions
from digisom.compliance.limits import MATCH_THRESHOLD_DEFAULT
from digisom.compliance.pairs import read_pairs, score_rows
from digisom.compliance.screening.matchers import compare_texts
from digisom.compliance.screening.screen import MATCHER_ID, Screener
from digisom.errors import DigisomError

app = typer.Typer(help="Sanctions screening: names and lists.", no_args_is_help=True)

ThresholdOption = Annotated[
    float, typer.Option(min=0.0, max=1.0, help="Score at or above which a pair is a match.")
]


def _fail(error: DigisomError) -> typer.Exit:
    typer.echo(f"error: {error.message}", err=True)
    return typer.Exit(code=1)


@app.command()
def screen(
    name: Annotated[list[str], typer.Option("--name", help="Name to screen (repeatable).")],
    dob: Annotated[str | None, typer.Option(help="Date of birth: YYYY[-MM[-DD]].")] = None,
    country: Annotated[str | None, typer.Option(help="Nationality: ISO code or name.")] = None,
    list_path: Annotated[
        list[Path] | None, typer.Option("--list", help="List file or folder (repeatable).")
    ] = None,
    threshold: ThresholdOption = MATCH_THRESHOLD_DEFAULT,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Screen a person or organization by name, with date of birth and country as qualifiers."""
    try:
        versions = load_versions(list_path)
        hits = Screener(versions).screen(name, dob, country, threshold)
    except DigisomError as error:
        raise _fail(error) from error
    if as_json:
        report = {
            "query": {"names": name, "dob": dob, "country": country, "threshold": threshold},
            "matcher": MATCHER_ID,
            "lists": [
                {"source": v.source, "sha256": v.content_sha256, "entries": len(v.entries)}
                for v in versions
            ],
            "hits": [hit.explain() for hit in hits],
        }
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    for hit in hits:
        typer.echo(f"{hit.score:.3f}  {hit.entry.entity_id}  {hit.list_name}  ({hit.entry.source})")
    if not hits:
        typer.echo("no hits")


@app.command()
def compare(
    name1: Annotated[str | None, typer.Argument(help="First name.")] = None,
    name2: Annotated[str | None, typer.Argument(help="Second name.")] = None,
    pairs: Annotated[
        Path | None, typer.Option(help="CSV with columns name1,name2; writes CSV to stdout.")
    ] = None,
    threshold: ThresholdOption = MATCH_THRESHOLD_DEFAULT,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Score two names, or every pair in a CSV file, with the screening matcher."""
    if pairs is not None:
        if name1 is not None or name2 is not None:
            raise typer.BadParameter("give either NAME1 NAME2 or --pairs, not both")
        try:
            rows = read_pairs(pairs)
        except DigisomError as error:
            raise _fail(error) from error
        for chunk in score_rows(rows, threshold):
            sys.stdout.write(chunk)
        return
    if name1 is None or name2 is None:
        raise typer.BadParameter("give NAME1 and NAME2, or --pairs FILE.csv")
    comparison = compare_texts(name1, name2)
    score = comparison.score
    if as_json:
        report = {
            "name1": name1,
            "name2": name2,
            "score": round(score, 4),
            "match": score >= threshold,
            "threshold": threshold,
            "tokens": [
                {
                    "name1": m.query_token,
                    "name2": m.list_token,
                    "feature": m.feature.value,
                    "similarity": m.similarity,
                }
                for m in comparison.matches
            ],
            "joined_comparison": comparison.joined,
            "readings": {"name1": comparison.query.reading, "name2": comparison.candidate.reading},
            "matcher": MATCHER_ID,
        }
        typer.echo(json.dumps(report, ensure_ascii=False))
        return
    typer.echo(f"{score:.4f} {'match' if score >= threshold else 'no match'}")


compliance_lists.mount(app)
