"""Articles in, index out: full rebuilds into a fresh generation, and incremental updates."""

from __future__ import annotations

import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from whoosh.index import create_in

from app.content import Article, ContentSet
from app.content.render import markdown_to_text
from app.search.analysis import has_chinese
from app.search.codec import LengthsInMemoryCodec
from app.search.encoders import PASSAGE_SOURCE, Known, article_vectors, passage_text
from app.search.schema import build_schema
from app.search.store import IndexStore, IndexUnavailable

log = logging.getLogger(__name__)
EMBEDDING_CHUNK = 128  # titles embedded per step of a full rebuild

# zlib level of the postings blocks a rebuild writes. Whoosh's default (3) spent a third of
# the time of writing the postings compressing them; level 1 (docs/performance.md).
POSTINGS_COMPRESSION = 1
MAX_EMBEDDING_THREADS = 4


def embedding_threads() -> int:
    """Threads that embed a full rebuild's titles: one per core this process may use. The
    writer's own thread shares them; on two cores two embedding threads took a rebuild of 5,000
    articles from 31 s to 27 s, three made it slower (docs/performance.md)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    # Capped: a container's CPU limit is not in the affinity mask, and each thread holds
    # onnxruntime's working memory.
    return max(1, min(cores, MAX_EMBEDDING_THREADS))


@dataclass
class IndexReport:
    generation: str
    indexed: int = 0
    removed: int = 0
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)
    seconds: float = 0.0
    full_rebuild: bool = False

    def summary(self) -> str:
        kind = "rebuilt" if self.full_rebuild else "updated"
        return (f"index {kind} ({self.generation}): {self.indexed} indexed, "
                f"{self.removed} removed, {self.unchanged} unchanged, "
                f"{len(self.rejected)} rejected, {self.seconds:.2f} s")


def _embedded_texts(article: Article) -> tuple[str, str, str]:
    # The body as text only when the passage is taken from it (a rebuild's costliest step).
    plain = markdown_to_text(article.body) if PASSAGE_SOURCE != "summary" else ""
    return (article.language, article.title,
            passage_text(article.title, article.summary, plain, PASSAGE_SOURCE))


def title_vectors(articles: list[Article], known: Known | None = None,
                  embed: bool = True) -> list[dict[str, Any]]:
    """Each article's stored embeddings (title, and passage where its language's model takes
    one); ``known`` ((model, text) -> vector) spares embedding texts again, so only new or
    changed ones cost model time (about 6 ms each). Without ``embed``, only known vectors."""
    return article_vectors([_embedded_texts(article) for article in articles], known, embed)


def _known_vectors(store: IndexStore) -> Known:
    """Vectors of the live generation by (model, text), reused by a full rebuild (none when
    the live generation is missing or damaged: that is when a rebuild matters most)."""
    known: Known = {}
    try:
        _, ix = store.open()
        with ix.searcher() as searcher:
            for doc in searcher.all_stored_fields():
                _remember(known, doc)
        ix.close()
    except IndexUnavailable:
        return {}  # none yet
    except Exception as error:  # noqa: BLE001 - texts are embedded again instead
        log.warning("vectors of the live index not reused (%s)", error)
        return {}
    return known


def _remember(known: Known, doc: dict[str, Any]) -> None:
    model = doc.get("vector_model")
    if model and doc.get("title_vector"):
        known[(model, doc["title"])] = doc["title_vector"]
    if model and doc.get("passage_vector"):
        passage = passage_text(doc["title"], doc["summary"], doc["body"], PASSAGE_SOURCE)
        known[(model, passage)] = doc["passage_vector"]


def article_document(article: Article, vectors: dict[str, Any] | None = None) -> dict[str, Any]:
    """The fields stored and indexed for one article."""
    text = markdown_to_text(article.body)
    tags = " ".join(article.tags)
    document = {
        "slug": article.slug,
        "journey": article.journey,
        "lang": article.lang,
        "language": article.language,
        "translation_key": article.translation_group,
        "title": article.title,
        "summary": article.summary,
        "tags": tags,
        "body": text,
        # Suggestions come from the words of titles, summaries and tags: the vocabulary of the
        # help center, at a fraction of the cost of a second copy of every body.
        "spell": f"{article.title} {article.summary} {tags}",
        "urgent": article.urgent,
        "updated": article.updated.isoformat() if article.updated else "",
        "markdown": article.body,
        "tag_list": list(article.tags),
        "review_by": article.review_by.isoformat() if article.review_by else "",
        "related": list(article.related),
        "path": article.path,
        "content_hash": article.content_hash,
        "title_vector": b"",
        "passage_vector": b"",
        "vector_model": "",
    }
    document.update(vectors or {})
    if has_chinese(article.title) or has_chinese(text):
        document["cjk"] = f"{article.title}\n{article.summary}\n{tags}\n{text}"
    return document


def _rejected(content: ContentSet) -> list[str]:
    """Log every file left out of the index, with the reason."""
    blocked = sorted({p.path for p in content.problems if p.is_error and p.excludes_article})
    for problem in content.problems:
        if problem.is_error and problem.excludes_article:
            log.warning("not indexed: %s", problem)
    return blocked


def rebuild(store: IndexStore, content: ContentSet) -> IndexReport:
    """Build a complete index in a new generation and swap it in; never half-written."""
    with store.lock():
        return _rebuild_locked(store, content)


def _rebuild_locked(store: IndexStore, content: ContentSet) -> IndexReport:
    started = time.perf_counter()
    known = _known_vectors(store)
    articles = content.published
    chunks = [articles[first:first + EMBEDDING_CHUNK]
              for first in range(0, len(articles), EMBEDDING_CHUNK)]
    generation, path = store.new_generation()
    # Titles are embedded chunks ahead, in threads, while this one writes the earlier chunks:
    # onnxruntime releases the GIL, so the model and Whoosh's analysis share the cores.
    with ThreadPoolExecutor(max_workers=embedding_threads(),
                            thread_name_prefix="embed-titles") as embedding:
        pending = [embedding.submit(title_vectors, chunk, known, store.embed_titles)
                   for chunk in chunks]
        try:
            ix = create_in(str(path), build_schema())
            codec = LengthsInMemoryCodec(compression=POSTINGS_COMPRESSION)
            writer = ix.writer(limitmb=256, codec=codec)
            for chunk, vectors in zip(chunks, pending, strict=True):
                for article, vector in zip(chunk, vectors.result(), strict=True):
                    writer.add_document(**article_document(article, vector))
            writer.commit()
            ix.close()
        except BaseException:
            for future in pending:
                future.cancel()
            store.discard(generation)
            raise
    store.publish(generation)
    return IndexReport(
        generation=generation,
        indexed=len(content.published),
        rejected=_rejected(content),
        seconds=time.perf_counter() - started,
        full_rebuild=True,
    )


def update(store: IndexStore, content: ContentSet) -> IndexReport:
    """Re-index only articles whose file hash changed; drop those that are gone, invalid or
    turned back into drafts."""
    with store.lock():
        try:
            generation, ix = store.open()
        except IndexUnavailable as error:
            log.warning("%s; rebuilding", error)
            return _rebuild_locked(store, content)
        started = time.perf_counter()
        report = IndexReport(generation=generation, rejected=_rejected(content))
        wanted = {article.slug: article for article in content.published}
        writer = ix.writer(timeout=store.lock_timeout)
        try:
            known: Known = {}
            with ix.searcher() as searcher:
                indexed = _indexed(searcher)
                changed = [article for slug, article in wanted.items()
                           if indexed.get(slug, (None, None))[1] != article.content_hash]
                for article in changed:  # their vectors are reused where the text is the same
                    if article.slug in indexed:
                        _remember(known, searcher.stored_fields(indexed[article.slug][0]))
            for slug in indexed.keys() - wanted.keys():
                writer.delete_by_term("slug", slug)
                report.removed += 1
            report.unchanged = len(wanted) - len(changed)
            vectors = title_vectors(changed, known, store.embed_titles)
            for article, vector in zip(changed, vectors, strict=True):
                writer.update_document(**article_document(article, vector))
                report.indexed += 1
        except BaseException:
            writer.cancel()
            raise
        if report.indexed or report.removed:
            writer.commit()
            store.written()
        else:
            writer.cancel()
        ix.close()
    report.seconds = time.perf_counter() - started
    return report


def _indexed(searcher: Any) -> dict[str, tuple[int, str]]:
    """slug -> (document number, content hash) of every live article, read from columns."""
    reader = searcher.reader()
    if not (reader.has_column("slug") and reader.has_column("content_hash")):  # empty index
        return {doc["slug"]: (docnum, doc["content_hash"]) for docnum, doc in reader.iter_docs()}
    slugs, hashes = reader.column_reader("slug"), reader.column_reader("content_hash")
    return {slugs[docnum]: (docnum, hashes[docnum]) for docnum in reader.all_doc_ids()}


def index_article(store: IndexStore, article: Article) -> None:
    """Add or replace one article in the live index (an editor's save): one small commit.
    A draft is taken out of the index instead: readers can neither find nor open it."""
    with store.lock():
        _, ix = store.open()
        writer = ix.writer(timeout=store.lock_timeout)
        try:
            if article.draft:
                writer.delete_by_term("slug", article.slug)
            else:
                [vector] = title_vectors([article], embed=store.embed_titles)
                writer.update_document(**article_document(article, vector))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        store.written()
        ix.close()


def ensure_index(store: IndexStore, content_loader, deep: bool = False) -> IndexReport | None:
    """Open the index; if it is missing, damaged or of an old schema, rebuild it from content.

    ``deep`` reads every stored article and every posting (after a read failed); otherwise
    the first of each. The check is repeated under the writer lock so that, when several
    workers start at once, one rebuilds and the others find its result.
    """
    if _readable(store, deep):
        return None
    with store.lock():
        if _readable(store, deep):
            return None
        return _rebuild_locked(store, content_loader())


def check_readable(searcher: Any, deep: bool = False) -> None:
    """Read stored articles and postings of every field; raises whatever damaged files raise."""
    reader = searcher.reader()
    searcher.doc_count()
    stored = reader.all_stored_fields()
    for _ in stored if deep else [next(iter(stored), None)]:
        pass
    for name in reader.indexed_field_names():
        for number, term in enumerate(reader.lexicon(name)):
            if number and not deep:
                break
            for _ in reader.postings(name, term).all_items():
                pass


def _readable(store: IndexStore, deep: bool = False) -> bool:
    try:
        _, ix = store.open()
        with ix.searcher() as searcher:
            check_readable(searcher, deep)
        ix.close()
        return True
    except IndexUnavailable as error:
        log.warning("%s; rebuilding from content", error)
    except Exception as error:  # a damaged segment can fail only when read
        log.warning("search index unreadable (%s); rebuilding from content", error)
    return False


def article_from_document(document: dict[str, Any]) -> Article:
    """The inverse of ``article_document``: the article as the index knows it."""
    return Article(
        slug=document["slug"],
        journey=document["journey"],
        title=document["title"],
        summary=document["summary"],
        body=document["markdown"],
        path=document["path"],
        content_hash=document["content_hash"],
        tags=tuple(document.get("tag_list") or ()),
        lang=document.get("lang") or "en",
        translation_key=(document.get("translation_key")
                         if document.get("translation_key") != document["slug"] else None),
        urgent=bool(document.get("urgent")),
        updated=date.fromisoformat(document["updated"]) if document.get("updated") else None,
        review_by=(date.fromisoformat(document["review_by"])
                   if document.get("review_by") else None),
        related=tuple(document.get("related") or ()),
    )
