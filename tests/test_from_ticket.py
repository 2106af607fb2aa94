"""A solved ticket becomes a draft article: knowledge from support goes back to self-service."""

from __future__ import annotations

import re

from app.editor.from_ticket import slug_for, ticket_submission, without_contact_details
from app.tickets.models import Ticket
from tests.conftest import BROWSER, post, search_slugs, sign_in
from tests.test_inbox import open_ticket

QUESTION = {"subject": "Can two people share one Pronto Plus plan",
            "description": "My partner wants to use my plan. Write to me at lee@example.com "
                           "or call +44 20 7946 0958."}


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
    early = post(agent, f"/inbox/{reference}/article", {}, f"/inbox/{reference}")
    assert early.status_code == 409 and "Only a solved ticket" in early.get_data(as_text=True)
    assert not list(content.glob("*/can-two-people-share-one-pronto-plus-plan.md"))
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
    assert "7946" not in text and "[email]" in text and "[phone]" in text
    assert slug not in search_slugs(app.test_client(), "share+pronto+plus+plan")

    editor, _ = sign_in(app, "editor@pronto.test")
    listing = editor.get("/editor/?only=drafts", headers=BROWSER).get_data(as_text=True)
    assert "Can two people share one Pronto Plus plan" in listing
    history = editor.get(f"/editor/{slug}/history", headers=BROWSER).get_data(as_text=True)
    assert f"Draft from ticket {reference}" in history and "agent@pronto.test" in history


def test_publishing_a_draft_from_a_ticket_asks_about_personal_details(editor_app):
    app, content = editor_app
    reference, _, _ = open_ticket(app, **QUESTION)
    solve(app, reference)
    editor, _ = sign_in(app, "admin@pronto.test")
    first = post(editor, f"/inbox/{reference}/article", {}, f"/inbox/{reference}")
    slug = "can-two-people-share-one-pronto-plus-plan"
    assert f"/editor/{slug}?ticket=" in first.location
    page = editor.get(f"/editor/{slug}", headers=BROWSER).get_data(as_text=True)
    assert "take out names, order numbers" in page and "Draft</span>" in page
    base_hash = re.search(r'name="base_hash" value="([0-9a-f]+)"', page).group(1)
    form = {"title": "Share Pronto Plus with your family", "summary": "Invite up to 4 people.",
            "journey": "before-you-buy", "body": "Open **Account > Pronto Plus > Family**.",
            "base_hash": base_hash, "action": "publish"}
    unconfirmed = post(editor, f"/editor/{slug}", form)
    assert unconfirmed.status_code == 400
    assert "personal details from the ticket are gone" in unconfirmed.get_data(as_text=True)
    assert slug not in search_slugs(app.test_client(), "share+pronto+plus+family")
    assert post(editor, f"/editor/{slug}", {**form, "details_checked": "on"}).status_code == 302
    assert slug in search_slugs(app.test_client(), "share+pronto+plus+family")
    # Pressed again: the article the ticket became, never a second draft or an overwrite.
    second = post(editor, f"/inbox/{reference}/article", {}, f"/inbox/{reference}")
    assert second.location.endswith(f"/editor/{slug}")
    assert not list(content.glob(f"*/{slug}-2.md"))
    assert "draft:" not in next(content.glob(f"*/{slug}.md")).read_text(encoding="utf-8")


def test_slugs_for_drafts():
    assert slug_for("Réinitialiser mon mot de passe?", "HC-1A2B", set()) == \
        "reinitialiser-mon-mot-de-passe"
    assert slug_for("Review", "HC-1", set()) == "review-2"  # an editor page's address
    assert slug_for("无法登录", "HC-1A2B", set()) == "from-hc-1a2b"
    assert slug_for("Refund", "HC-1", {"refund", "refund-2"}) == "refund-3"


def test_contact_details_are_replaced_but_dates_and_order_numbers_kept():
    assert without_contact_details("Call +44 20 7946 0958 or me@x.co by 2026-12-01, PR-1234") \
        == "Call [phone] or [email] by 2026-12-01, PR-1234"


def test_an_address_in_the_subject_stays_out_of_title_and_slug():
    ticket = Ticket(reference="HC-9Z", subject="Refund for jane@example.com please",
                    description="Order PR-1.", journey=None, lang=None, article_slug=None)
    submission = ticket_submission(ticket, ["refunds-and-after-sales"], set())
    assert submission.fields["title"] == "Refund for [email] please"
    assert submission.slug == "refund-for-email-please"
    assert submission.journey == "refunds-and-after-sales" and submission.fields["draft"]


def test_a_ticket_makes_at_most_one_draft_and_then_links_to_it(editor_app):
    app, content = editor_app
    reference, _, _ = open_ticket(app, **QUESTION)
    solve(app, reference)
    agent, _ = sign_in(app, "agent@pronto.test")
    slug = "can-two-people-share-one-pronto-plus-plan"
    assert post(agent, f"/inbox/{reference}/article", {}, f"/inbox/{reference}"
                ).status_code == 302
    page = agent.get(f"/inbox/{reference}", headers=BROWSER).get_data(as_text=True)
    assert f"This ticket is already the article “{slug}”" in page
    assert f"/inbox/{reference}/article" not in page  # the button is gone
    again = post(agent, f"/inbox/{reference}/article", {}, f"/inbox/{reference}")
    assert again.status_code == 302 and f"drafted={slug}" in again.location
    admin, _ = sign_in(app, "admin@pronto.test")  # an editor too: sent to the draft itself
    page = admin.get(f"/inbox/{reference}", headers=BROWSER).get_data(as_text=True)
    assert f'href="/editor/{slug}"' in page
    third = post(admin, f"/inbox/{reference}/article", {}, f"/inbox/{reference}")
    assert third.status_code == 302 and third.location.endswith(f"/editor/{slug}")
    assert [p.name for p in content.glob(f"*/{slug}*.md")] == [f"{slug}.md"]
