"""``flask --app wsgi index ...`` (the search index) and ``search eval ...`` (its quality)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from app import helpcenter
from app.content import load_content

index_cli = AppGroup("index", help="Build the search index from content/.")
search_cli = AppGroup("search", help="Measure search quality.")


@index_cli.command("rebuild")
def index_rebuild() -> None:
    """Build a fresh index from content/ and swap it in."""
    click.echo(helpcenter().rebuild_index().summary())


@index_cli.command("update")
def index_update() -> None:
    """Re-index only the articles whose files changed, and drop removed ones."""
    click.echo(helpcenter().update_index().summary())


@index_cli.command("status")
def index_status() -> None:
    """Show the live index generation and its article count."""
    health = helpcenter().search_service.health()
    if not health["ok"]:
        click.echo(f"no usable index: {health['error']}", err=True)
        sys.exit(1)
    click.echo(f"generation {health['generation']}: {health['articles']} articles")


def _print_scores(name: str, content, queries_path: Path) -> None:
    from app.search.encoders import encoders
    from app.search.evaluation import evaluate, read_queries

    scores = evaluate(content, read_queries(queries_path), encoders())
    click.echo(f"{name}: {len(content.articles)} articles, {scores['search'].queries} queries")
    click.echo(f"  {'':58} {'P@1':>6} {'MRR@10':>7} {'hit@5':>6}")
    for label, values in scores.items():
        click.echo(f"  {label:58} {values.p_at_1:6.3f} {values.mrr_at_10:7.3f} "
                   f"{values.hit_at_5:6.3f}")
        if label.startswith("plain BM25"):
            suffix = label[len("plain BM25"):]
            for searched in (key for key in scores if key.startswith("search")
                             and key.endswith(suffix) and (suffix or "(" not in key)):
                difference, baseline = scores[searched], values
                click.echo(f"  {'difference, ' + searched:58} "
                           f"{difference.p_at_1 - baseline.p_at_1:+6.3f} "
                           f"{difference.mrr_at_10 - baseline.mrr_at_10:+7.3f} "
                           f"{difference.hit_at_5 - baseline.hit_at_5:+6.3f}")


@search_cli.command("eval")
@click.argument("content_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("queries_tsv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--levers", is_flag=True,
              help="Also cross-validate the second-stage levers and simulate learning.")
@click.option("--folds", default=5, show_default=True, help="k for k-fold cross-validation.")
def search_eval(content_dir: Path, queries_tsv: Path, levers: bool, folds: int) -> None:
    """P@1, MRR@10 and hit@5 of the search on QUERIES_TSV, beside plain BM25."""
    content = load_content(content_dir)
    _print_scores(content_dir.name, content, queries_tsv)
    if levers:
        _print_levers(content, queries_tsv, folds)


def _print_levers(content, queries_path: Path, folds: int) -> None:
    from app.search.evaluation import read_queries
    from app.search.levers import lever_report

    def row(label: str, values) -> str:
        return f"  {label:28} {values.p_at_1:6.3f} {values.mrr_at_10:7.3f} {values.hit_at_5:6.3f}"

    validations, simulation = lever_report(content, read_queries(queries_path), k=folds)
    for name, result in validations.items():
        click.echo(f"  rerank by {name}, {result.folds}-fold CV (weights chosen: "
                   f"{', '.join(f'{w:g}' for w in result.chosen)})")
        click.echo(row("held-out folds", result.held_out))
        for weight, values in result.by_setting.items():
            click.echo(row(f"all dev, weight {weight:g}", values))
    click.echo("  learning simulation (every other question replayed as sessions)")
    for part, (before, after) in simulation.items():
        click.echo(row(f"{part}, before", before))
        click.echo(row(f"{part}, after", after))


@search_cli.command("eval-sets")
@click.argument("sets_dir", type=click.Path(path_type=Path))
@click.option("--pooled", default="",
              help="Comma-separated set names: choose one pair of rerank weights for them by "
                   "5-fold CV.")
def search_eval_sets(sets_dir: Path, pooled: str) -> None:
    """Every evaluation set under SETS_DIR (each with content/ and dev.tsv)."""
    if not sets_dir.is_dir():
        click.echo(f"skipped: {sets_dir} not found (the shared evaluation sets are absent)")
        return
    if pooled:
        from app.search.evaluation import read_queries
        from app.search.levers import (
            chinese_settings,
            describe,
            english_settings,
            pooled_cross_validation,
        )

        sets = {name: (load_content(sets_dir / name / "content"),
                       read_queries(sets_dir / name / "dev.tsv")) for name in pooled.split(",")}
        articles = [a for content, _ in sets.values() for a in content.articles]
        chinese = sum(a.language == "zh" for a in articles) * 2 > len(articles)
        chosen, held_out = pooled_cross_validation(
            sets, chinese_settings() if chinese else english_settings())
        click.echo("settings chosen per fold:")
        for setting in chosen:
            click.echo(f"  {describe(setting)}")
        for name, values in held_out.items():
            click.echo(f"  {name:12} held-out {values.p_at_1:6.3f} {values.mrr_at_10:7.3f} "
                       f"{values.hit_at_5:6.3f}")
        return
    for folder in sorted(p for p in sets_dir.iterdir() if (p / "dev.tsv").is_file()):
        content = load_content(folder / "content")
        _print_scores(folder.name, content, folder / "dev.tsv")
