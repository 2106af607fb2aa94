"""Importing another help center's Markdown tree: the output must load without errors."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from app.content import load_content
from app.content.importer import import_tree

OFFICEDOCS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "officedocs-support"

MS_ARTICLE = """---
title: Outlook keeps asking for a password
description: >-
  Describes an issue in which Outlook prompts for credentials again and again.
  Provides a resolution.
ms.date: 01/24/2024
ms.custom: [CSSTroubleshoot]
author: someone
keywords: Outlook, Password , prompts
---

# Outlook keeps prompting for a password

## Symptoms

Outlook asks for your password. See [the sign-in guide](../Sign-In/sign-in-guide.md#steps)
and [modern auth](./modern-auth.md "Modern auth"), or read
[the online docs](https://learn.microsoft.com/outlook).

![Screenshot of the prompt](media/prompt.png)
:::image type="content" source="./media/dialog.png" alt-text="The dialog.":::
Keep [this anchor](#symptoms) too.
"""


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def source(tmp_path) -> Path:
    root = tmp_path / "source"
    write(root, "Outlook/Client/password-prompts.md", MS_ARTICLE)
    write(root, "Outlook/Client/No_Front_Matter.md",
          "# Calendar is empty\n\n**Events** are missing after a [sync](sync.md).\n\nMore.\n")
    write(root, "Teams/Meetings/password-prompts.md",
          "---\ntitle: Teams asks for a password\ndescription: Sign in again. Then retry.\n"
          "ms.date: 2023-05-02\n---\nBody text.\n")
    write(root, "Teams/broken.md", "---\ntitle: [unclosed\ndescription: x\n---\nBody.\n")
    write(root, "Teams/empty.md", "---\ntitle: Nothing here\n---\n# Nothing here\n")
    return root


def test_imported_tree_loads_without_errors(source, tmp_path):
    target = tmp_path / "content"
    report = import_tree(source, target)
    assert report.imported == 3
    assert report.journeys == ["outlook", "teams"]
    assert sorted(s.split(":")[0] for s in report.skipped) == ["Teams/broken.md", "Teams/empty.md"]
    broken = next(s for s in report.skipped if s.startswith("Teams/broken.md"))
    assert "line 3: invalid YAML" in broken

    content = load_content(target)
    assert content.errors == []
    assert content.warnings == []
    assert [(j.slug, j.title, j.description) for j in content.journeys] == [
        ("outlook", "Outlook", "Articles about Outlook."),
        ("teams", "Teams", "Articles about Teams."),
    ]
    articles = content.by_slug()
    assert set(articles) == {"password-prompts", "password-prompts-2", "no-front-matter"}


def test_fields_are_mapped_and_unknown_keys_dropped(source, tmp_path):
    target = tmp_path / "content"
    import_tree(source, target)
    article = load_content(target).by_slug()["password-prompts"]
    assert article.path == "outlook/password-prompts.md"
    assert article.title == "Outlook keeps asking for a password"
    assert article.summary == ("Describes an issue in which Outlook prompts for credentials "
                               "again and again.")
    assert article.tags == ("outlook", "password", "prompts")
    assert article.updated == date(2024, 1, 24)
    text = (target / article.path).read_text(encoding="utf-8")
    assert "ms.custom" not in text and "author" not in text
    assert not article.body.lstrip().startswith("# ")


def test_relative_links_and_images_are_removed_keeping_the_text(source, tmp_path):
    target = tmp_path / "content"
    import_tree(source, target)
    body = load_content(target).by_slug()["password-prompts"].body
    assert "See the sign-in guide\nand modern auth, or read" in body
    assert "[the online docs](https://learn.microsoft.com/outlook)" in body
    assert "[this anchor](#symptoms)" in body
    assert ".md" not in body and ".png" not in body and ":::image" not in body


def test_fallbacks_without_front_matter(source, tmp_path):
    target = tmp_path / "content"
    import_tree(source, target)
    articles = load_content(target).by_slug()
    plain = articles["no-front-matter"]
    assert plain.title == "Calendar is empty"
    assert plain.summary == "Events are missing after a sync."
    assert plain.updated is None
    assert articles["password-prompts-2"].summary == "Sign in again."
    assert articles["password-prompts-2"].updated == date(2023, 5, 2)


def test_journey_depth_and_existing_content_are_respected(source, tmp_path):
    target = tmp_path / "content"
    write(target, "journeys.yml", "- {slug: mine, title: Mine, description: Ours, icon: x}\n")
    write(target, "mine/password-prompts.md", "---\ntitle: Ours\nsummary: Ours.\n---\nText.\n")
    report = import_tree(source, target, journey_depth=2)
    assert report.journeys == ["outlook-client", "teams-meetings"]
    content = load_content(target)
    assert content.errors == []
    assert [j.title for j in content.journeys] == ["Mine", "Outlook / Client", "Teams / Meetings"]
    assert {a.slug for a in content.articles} >= {"password-prompts", "password-prompts-2",
                                                  "password-prompts-3"}
    assert content.by_slug()["password-prompts"].journey == "mine"


def test_non_utf8_file_is_skipped(tmp_path):
    (tmp_path / "src" / "a").mkdir(parents=True)
    (tmp_path / "src" / "a" / "latin.md").write_bytes(b"# Caf\xe9\n\nText.\n")
    report = import_tree(tmp_path / "src", tmp_path / "out")
    assert report.imported == 0
    assert report.skipped[0].startswith("a/latin.md: ")


def test_officedocs_corpus_imports_cleanly(tmp_path):
    if not OFFICEDOCS.is_dir():
        pytest.skip(f"shared/corpus/officedocs-support not found: {OFFICEDOCS} is absent")
    started = time.perf_counter()
    report = import_tree(OFFICEDOCS, tmp_path / "content")
    content = load_content(tmp_path / "content")
    assert report.skipped == []
    assert [str(p) for p in content.errors] == []
    assert len(content.articles) >= 2400
    assert time.perf_counter() - started < 30
