"""Index builds: full rebuilds swap generations; updates touch only what changed."""

from __future__ import annotations

import shutil

import pytest

from app.content import load_content
from app.search import IndexStore, SearchService, indexer
from tests.conftest import write_article


@pytest.fixture()
def small_site(make_content, tmp_path):
    for slug, title in [("reset-password", "Reset your password"),
                        ("cancel-order", "Cancel an order"),
                        ("refund-times", "How long refunds take")]:
        write_article(make_content, "getting-started", slug, f"title: {title}\nsummary: {title}.",
                      body=f"{title}. Step one, step two.\n")
    store = IndexStore(tmp_path / "index")
    return make_content, store


def slugs(service: SearchService, query: str) -> list[str]:
    return [hit.slug for hit in service.search(query).hits]


def test_rebuild_indexes_every_valid_article_and_skips_invalid(small_site, caplog):
    content_dir, store = small_site
    write_article(content_dir, "getting-started", "broken", "title: No summary")
    report = indexer.rebuild(store, load_content(content_dir))
    assert report.indexed == 3
    assert report.rejected and report.rejected[0].endswith("broken.md")
    assert "not indexed" in caplog.text and "broken.md" in caplog.text
    found = slugs(SearchService(store), "refund")
    assert found[0] == "refund-times" and "broken" not in found


def test_rebuild_swaps_in_a_new_generation_and_prunes_old_ones(small_site):
    content_dir, store = small_site
    first = indexer.rebuild(store, load_content(content_dir)).generation
    second = indexer.rebuild(store, load_content(content_dir)).generation
    third = indexer.rebuild(store, load_content(content_dir)).generation
    assert store.current_generation() == third
    assert store.path_of(second).exists()  # kept one round for readers opening it
    assert not store.path_of(first).exists()


def test_update_reindexes_only_changed_added_and_removed_files(small_site):
    content_dir, store = small_site
    indexer.rebuild(store, load_content(content_dir))
    service = SearchService(store)
    assert slugs(service, "password") == ["reset-password"]

    write_article(content_dir, "getting-started", "reset-password",
                  "title: Change your passphrase\nsummary: New words.", body="Passphrase help.\n")
    write_article(content_dir, "getting-started", "gift-cards",
                  "title: Gift cards\nsummary: Buy one.", body="Gift cards for friends.\n")
    (content_dir / "getting-started" / "cancel-order.md").unlink()

    report = indexer.update(store, load_content(content_dir))
    assert (report.indexed, report.removed, report.unchanged) == (2, 1, 1)
    assert slugs(service, "passphrase") == ["reset-password"]
    assert slugs(service, "gift") == ["gift-cards"]
    assert slugs(service, "cancel") == []

    again = indexer.update(store, load_content(content_dir))
    assert (again.indexed, again.removed, again.unchanged) == (0, 0, 3)


def test_update_drops_an_article_that_became_invalid(small_site):
    content_dir, store = small_site
    indexer.rebuild(store, load_content(content_dir))
    write_article(content_dir, "getting-started", "refund-times", "title: summary went missing")
    report = indexer.update(store, load_content(content_dir))
    assert report.removed == 1
    assert slugs(SearchService(store), "refund") == []


def test_missing_index_is_built_on_demand(small_site):
    content_dir, store = small_site
    report = indexer.ensure_index(store, lambda: load_content(content_dir))
    assert report is not None and report.indexed == 3
    assert indexer.ensure_index(store, lambda: load_content(content_dir)) is None


def test_corrupt_index_is_rebuilt_not_a_crash(small_site):
    content_dir, store = small_site
    indexer.rebuild(store, load_content(content_dir))
    live = store.path_of(store.current_generation())
    for segment in live.iterdir():
        if segment.name.startswith("_MAIN_") and segment.suffix == ".toc":
            segment.write_bytes(b"garbage")
    report = indexer.ensure_index(store, lambda: load_content(content_dir))
    assert report is not None and report.full_rebuild
    assert slugs(SearchService(store), "password") == ["reset-password"]


def test_a_vanished_index_is_rebuilt_by_the_help_center(helpcenter):
    shutil.rmtree(helpcenter.store.root, ignore_errors=True)  # already gone after some tests
    results = helpcenter.search("refund")
    assert results.total > 0


def test_readers_see_commits_from_another_writer(small_site):
    """A searcher opened before an update is replaced, not left stale."""
    content_dir, store = small_site
    indexer.rebuild(store, load_content(content_dir))
    reader_process_view = SearchService(store, cache_size=16)
    assert slugs(reader_process_view, "voucher") == []
    write_article(content_dir, "getting-started", "vouchers",
                  "title: Vouchers\nsummary: Redeem a voucher.", body="Voucher codes.\n")
    indexer.update(store, load_content(content_dir))
    assert slugs(reader_process_view, "voucher") == ["vouchers"]
    indexer.rebuild(store, load_content(content_dir))
    assert slugs(reader_process_view, "voucher") == ["vouchers"]


def _search_loop(index_dir: str, seconds: float, results) -> None:
    """A reader process, like a gunicorn worker: search continuously, count what happens."""
    import time
    from pathlib import Path

    service = SearchService(IndexStore(Path(index_dir)), cache_size=0)
    searches = errors = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if service.search("password").total < 1:
                errors += 1
            searches += 1
        except Exception:  # noqa: BLE001 - any failure is what this test counts
            errors += 1
    results.put((searches, errors))


def test_workers_keep_searching_while_another_process_writes(small_site):
    import multiprocessing

    content_dir, store = small_site
    indexer.rebuild(store, load_content(content_dir))
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    readers = [context.Process(target=_search_loop, args=(str(store.root), 6.0, results))
               for _ in range(2)]
    for reader in readers:
        reader.start()
    import time

    deadline, commits = time.monotonic() + 7.0, 0
    while time.monotonic() < deadline:  # keep writing for as long as the readers read
        write_article(content_dir, "getting-started", f"extra-{commits % 5}",
                      "title: Extra\nsummary: More.", body=f"Password tips {commits}.\n")
        indexer.update(store, load_content(content_dir))
        if commits % 4 == 3:
            indexer.rebuild(store, load_content(content_dir))
        commits += 1
    outcomes = [results.get(timeout=60) for _ in readers]
    for reader in readers:
        reader.join(timeout=30)
    assert commits > 10
    assert all(searches > 10 for searches, _ in outcomes), outcomes
    assert sum(errors for _, errors in outcomes) == 0, outcomes


def test_title_vectors_are_stored_and_reused(small_site, monkeypatch):
    content_dir, store = small_site
    indexer.rebuild(store, load_content(content_dir))
    _, ix = store.open()
    with ix.searcher() as searcher:
        assert all(len(doc["title_vector"]) == 384 * 4 for doc in searcher.all_stored_fields())
    ix.close()
    embedded: list[str] = []
    real = indexer.title_vectors

    def counting(articles, known=None, embed=True):
        embedded.extend(a.title for a in articles if all(text != a.title for _, text in known))
        return real(articles, known, embed)

    monkeypatch.setattr(indexer, "title_vectors", counting)
    write_article(content_dir, "getting-started", "vouchers",
                  "title: Vouchers\nsummary: Redeem a voucher.", body="Voucher codes.\n")
    indexer.rebuild(store, load_content(content_dir))
    assert embedded == ["Vouchers"]  # the other titles' vectors came from the live index


def damage_in_place(store: IndexStore, start: float = 0.3) -> None:
    """Overwrite the live segment from ``start`` of its length with random bytes, keeping
    its size (a disk or copy fault, not a missing file)."""
    import os

    live = store.path_of(store.current_generation())
    for segment in live.glob("*.seg"):
        size = segment.stat().st_size
        with segment.open("r+b") as handle:
            handle.seek(int(size * start))
            handle.write(os.urandom(size - int(size * start)))


@pytest.mark.parametrize("start", [0.3, 0.6, 0.9])
def test_an_index_damaged_in_place_is_rebuilt_by_the_search_that_finds_it(helpcenter, start):
    helpcenter.rebuild_index()
    damage_in_place(helpcenter.store, start)
    helpcenter.search_service.pool.close()
    results = helpcenter.search("refund status")  # a question never asked: no cached answer
    assert results.total > 0
    assert helpcenter.search_service.health()["ok"]


@pytest.mark.parametrize("start", [0.3, 0.6, 0.9])
def test_healthz_reports_files_damaged_under_a_running_worker(make_app, tmp_path, start):
    app = make_app(KB_INDEX_DIR=str(tmp_path / "index"))
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").status_code == 200  # the open index was read through once
    damage_in_place(app.extensions["helpcenter"].store, start)  # the worker keeps it open
    damaged = client.get("/healthz")
    assert damaged.status_code == 503 and damaged.get_json()["index"]["damaged"]
    assert client.get("/healthz").status_code == 200  # the next request rebuilt it
    assert client.get("/api/v1/search?q=refund").get_json()["total"] > 0


def test_healthz_stays_sound_while_editors_save_and_the_index_merges(make_app, tmp_path):
    from dataclasses import replace

    app = make_app(KB_INDEX_DIR=str(tmp_path / "index"))
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    center = app.extensions["helpcenter"]
    article = center.catalog.get("cancel-an-order")
    for round_ in range(12):  # enough small commits for Whoosh to merge segments
        indexer.index_article(center.store, replace(article, body=f"{article.body}\n{round_}",
                                                    content_hash=f"saved-{round_}"))
        probe = client.get("/healthz")
        assert probe.status_code == 200, probe.get_json()


def test_a_failure_that_is_not_damage_is_not_hidden_by_a_rebuild(helpcenter, monkeypatch):
    helpcenter.ensure_ready()
    generation = helpcenter.store.current_generation()

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug in ranking")

    monkeypatch.setattr(helpcenter.search_service, "_run", broken)
    with pytest.raises(ZeroDivisionError):
        helpcenter.search("a question about ranking bugs")
    assert helpcenter.store.current_generation() == generation  # the sound index was kept


def test_healthz_reports_a_damaged_index_and_the_next_request_repairs_it(make_app, tmp_path):
    app = make_app(KB_INDEX_DIR=str(tmp_path / "index"))
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    damage_in_place(app.extensions["helpcenter"].store)
    app.extensions["helpcenter"].search_service.pool.close()
    damaged = client.get("/healthz")
    assert damaged.status_code == 503 and damaged.get_json()["index"]["damaged"]
    assert client.get("/healthz").status_code == 200
    found = client.get("/api/v1/search?q=refund").get_json()
    assert found["total"] > 0
