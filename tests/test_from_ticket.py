"""A solved ticket becomes a draft article: knowledge from support goes back to self-service."""

from __future__ import annotations

from app.editor.from_ticket import slug_for
from tests.conftest import BROWSER, post, search_slugs, sign_in
from tests.test_inbox import open_ticket

QUESTION = {"subject": "Can two people share one Pronto Plus plan",
            "description": "My partner wants to use my plan. Write to me at lee@example.com."}


def solve(app, reference: str) -> None:
    agent, _ = sign_in(app, "agent@pronto.test")
    response = post(agent, f"/inbox/{reference}", {
        "status": "solved",
        "note": "Yes: open Account > Pronto Plus > Family and invite them by email "
                "(questions to help@pronto.test)."}, f"/inbox/{reference}")
    assert response.status_code == 302


def test_agent_turns_a_solved_ticket_into_a_draft(editor_app):
    app, content = editor_app
    reference, _, _ = open_ticket(app, **QUESTION)
    agent, _ = sign_in(app, "agent@pronto.test")
    page = agent.get(f"/inbox/{reference}", headers=BROWSER).get_data(as_text=True)
    assert "Turn into an article" not in page  # only once the ticket is solved
    solve(app, reference)
    assert "Turn into an article" in agent.get(f"/inbox/{reference}",
                                               headers=BROWSER).get_data(as_text=True)

    response = post(agent, f"/inbox/{reference}/article", {}, f"/inbox/{reference}")
    assert response.status_code == 302 and "drafted=" in response.location
    slug = "can-two-people-share-one-pronto-plus-plan"
    [path] = content.glob(f"*/{slug}.md")
    text = path.read_text(encoding="utf-8")
    assert "draft: true" in text and "title: Can two people share one Pronto Plus plan" in text
    assert "My partner wants to use my plan" in text
    assert "invite them by email" in text
    assert "lee@example.com" not in text and "help@pronto.test" not in text
    assert "[email]" in text
    assert slug not in search_slugs(app.test_client(), "share+pronto+plus+plan")

    editor, _ = sign_in(app, "editor@pronto.test")
    listing = editor.get("/editor/?only=drafts", headers=BROWSER).get_data(as_text=True)
    assert "Can two people share one Pronto Plus plan" in listing
    history = editor.get(f"/editor/{slug}/history", headers=BROWSER).get_data(as_text=True)
    assert f"Draft from ticket {reference}" in history and "agent@pronto.test" in history


def test_editor_lands_in_the_editor_with_a_warning_about_personal_details(editor_app):
    app, _ = editor_app
    reference, _, _ = open_ticket(app, **QUESTION)
    solve(app, reference)
    editor, _ = sign_in(app, "admin@pronto.test")
    first = post(editor, f"/inbox/{reference}/article", {}, f"/inbox/{reference}")
    assert "/editor/can-two-people-share-one-pronto-plus-plan?ticket=" in first.location
    page = editor.get(first.location, headers=BROWSER).get_data(as_text=True)
    assert "take out names, order numbers" in page and "Draft</span>" in page
    # Pressed twice: a second draft, never an overwrite.
    second = post(editor, f"/inbox/{reference}/article", {}, f"/inbox/{reference}")
    assert "/editor/can-two-people-share-one-pronto-plus-plan-2?" in second.location


def test_slugs_for_drafts():
    assert slug_for("Réinitialiser mon mot de passe?", "HC-1A2B", set()) == \
        "reinitialiser-mon-mot-de-passe"
    assert slug_for("无法登录", "HC-1A2B", set()) == "from-hc-1a2b"
    assert slug_for("Refund", "HC-1", {"refund", "refund-2"}) == "refund-3"
