"""The editor's workflow: a pending draft beside the live version, the revision before the
first browser edit, scheduled publish and unpublish, review before publishing, pickers."""

from __future__ import annotations

import re
from datetime import timedelta

from app.content.frontmatter import parse_front_matter
from app.events.models import utcnow
from tests.conftest import BROWSER, csrf_token, post, sign_in

SLUG = "cancel-a-booking"
LIVE_TITLE = "Cancel a booking"


def hidden(client, slug: str = SLUG) -> dict[str, str]:
    page = client.get(f"/editor/{slug}", headers=BROWSER).get_data(as_text=True)
    form = page[page.index('id="editor-form"'):]
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"',
                           form[:form.index("</form>")]))


def form_of(client, slug: str = SLUG, **changes) -> dict[str, str]:
    """The edit form as the page fills it, with ``changes``."""
    page = client.get(f"/editor/{slug}", headers=BROWSER).get_data(as_text=True)
    values = {name: value for name, value in re.findall(
        r'<input id="(\w+)" name="\w+"[^>]*?value="([^"]*)"', page)}
    body = re.search(r'<textarea id="body" name="body"[^>]*>(.*?)</textarea>', page, re.S)[1]
    journey = re.search(r'name="journey">.*?<option value="([\w-]+)" selected', page, re.S)[1]
    import html

    values = {k: html.unescape(v) for k, v in values.items()}
    return {**values, **hidden(client, slug), "body": html.unescape(body), "journey": journey,
            "lang": "en", **changes}


def live_title(app, slug: str = SLUG) -> str | None:
    answer = app.test_client().get(f"/api/v1/articles/{slug}")
    return answer.get_json()["title"] if answer.status_code == 200 else None


def test_a_draft_of_a_live_article_waits_beside_it_until_published(editor_app):
    app, content = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    [live] = content.glob(f"*/{SLUG}.md")
    before = live.read_text(encoding="utf-8")
    response = post(editor, f"/editor/{SLUG}", form_of(editor, title="Cancel any booking",
                                                       action="draft"))
    assert response.status_code == 302 and "saved=pending" in response.location
    assert live.read_text(encoding="utf-8") == before  # the live file is untouched
    [pending] = content.glob(f"_drafts/*/{SLUG}.md")
    assert "title: Cancel any booking" in pending.read_text(encoding="utf-8")
    assert "draft:" not in pending.read_text(encoding="utf-8")
    assert live_title(app) == LIVE_TITLE  # readers keep the published text
    page = app.test_client().get(f"/articles/{SLUG}", headers=BROWSER).get_data(as_text=True)
    assert "Cancel any booking" not in page

    page = editor.get(f"/editor/{SLUG}?saved=pending", headers=BROWSER).get_data(as_text=True)
    assert "Draft saved beside the live version" in page
    assert "Pending draft" in page and "Live version" in page
    assert "-title: Cancel a booking" in page and "+title: Cancel any booking" in page
    assert 'value="Cancel any booking"' in page  # the form continues the draft
    listing = editor.get("/editor/?only=drafts", headers=BROWSER).get_data(as_text=True)
    assert LIVE_TITLE in listing and "Pending draft" in listing

    # A second save of the draft keeps it beside the live version too.
    again = post(editor, f"/editor/{SLUG}", form_of(editor, summary="Any booking, any time.",
                                                    action="draft"))
    assert again.status_code == 302 and live_title(app) == LIVE_TITLE
    stale = hidden(editor)
    publish = post(editor, f"/editor/{SLUG}/draft/publish",
                   {"base_hash": stale["base_hash"], "draft_hash": stale["draft_hash"]})
    assert publish.status_code == 302 and "saved=published" in publish.location
    assert live_title(app) == "Cancel any booking"
    assert not list(content.glob(f"_drafts/*/{SLUG}.md"))
    history = editor.get(f"/editor/{SLUG}/history", headers=BROWSER).get_data(as_text=True)
    assert "Published the pending draft" in history


def test_discarding_a_draft_leaves_the_live_version_and_a_stale_page_conflicts(editor_app):
    app, content = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    post(editor, f"/editor/{SLUG}", form_of(editor, title="First draft", action="draft"))
    seen = hidden(editor)
    other, _ = sign_in(app, "admin@pronto.test")
    assert post(other, f"/editor/{SLUG}", form_of(other, title="Second draft",
                                                  action="draft")).status_code == 302
    # The first editor's page showed the first draft: neither saving over the second draft
    # nor publishing or discarding it happens unseen.
    stale_save = post(editor, f"/editor/{SLUG}", {**form_of(editor, title="Mine",
                                                            action="draft"),
                                                  "draft_hash": seen["draft_hash"]})
    assert stale_save.status_code == 409
    stale_publish = post(editor, f"/editor/{SLUG}/draft/publish",
                         {"base_hash": seen["base_hash"], "draft_hash": seen["draft_hash"]})
    assert stale_publish.status_code == 409
    assert "changed meanwhile; nothing was published" in stale_publish.get_data(as_text=True)
    assert post(editor, f"/editor/{SLUG}/draft/discard",
                {"draft_hash": seen["draft_hash"]}).status_code == 409
    assert live_title(app) == LIVE_TITLE

    current = hidden(editor)
    discard = post(editor, f"/editor/{SLUG}/draft/discard", {"draft_hash": current["draft_hash"]})
    assert discard.status_code == 302 and "saved=discarded" in discard.location
    assert not list(content.glob(f"_drafts/*/{SLUG}.md")) and live_title(app) == LIVE_TITLE
    page = editor.get(f"/editor/{SLUG}", headers=BROWSER).get_data(as_text=True)
    assert "Pending draft" not in page and f'value="{LIVE_TITLE}"' in page


def test_publishing_from_the_form_puts_the_draft_live_and_unpublish_takes_it_off(editor_app):
    app, content = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    post(editor, f"/editor/{SLUG}", form_of(editor, title="Drafted title", action="draft"))
    assert post(editor, f"/editor/{SLUG}", form_of(editor, action="publish")).status_code == 302
    assert live_title(app) == "Drafted title"
    assert not list(content.glob(f"_drafts/*/{SLUG}.md"))
    assert post(editor, f"/editor/{SLUG}", form_of(editor, action="unpublish")).status_code == 302
    assert live_title(app) is None
    [live] = content.glob(f"*/{SLUG}.md")
    assert "draft: true" in live.read_text(encoding="utf-8")


def test_the_first_browser_edit_keeps_the_text_before_it(editor_app):
    app, content = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    [live] = content.glob(f"*/{SLUG}.md")
    original = live.read_text(encoding="utf-8")
    assert post(editor, f"/editor/{SLUG}", form_of(editor, title="Cancel it",
                                                   action="publish")).status_code == 302
    history = editor.get(f"/editor/{SLUG}/history", headers=BROWSER).get_data(as_text=True)
    assert "Before the first change in the browser" in history
    newer, older = [int(i) for i in re.findall(r"<td>(\d+)</td>", history)]
    diff = editor.get(f"/editor/{SLUG}/diff?a={older}&b={newer}",
                      headers=BROWSER).get_data(as_text=True)
    assert "-title: Cancel a booking" in diff and "+title: Cancel it" in diff
    assert post(editor, f"/editor/{SLUG}/restore/{older}", {}).status_code == 302
    assert live_title(app) == LIVE_TITLE
    restored = parse_front_matter(live.read_text(encoding="utf-8"))
    before = parse_front_matter(original)
    assert restored.body.strip() == before.body.strip()
    assert {k: v for k, v in restored.data.items() if k != "updated"} == {
        k: v for k, v in before.data.items() if k not in ("updated", "urgent")}
    # Only the first edit adds one: the history now has the baseline, the edit, the restore.
    history = editor.get(f"/editor/{SLUG}/history", headers=BROWSER).get_data(as_text=True)
    assert history.count("Before the first change in the browser") == 1
    assert len(re.findall(r"<td>(\d+)</td>", history)) == 3


def _when(delta: timedelta) -> str:
    return (utcnow() + delta).strftime("%Y-%m-%dT%H:%M")


def test_scheduled_unpublish_and_publish_are_applied_by_the_periodic_command(editor_app):
    app, content = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    later = _when(timedelta(days=3))
    response = post(editor, f"/editor/{SLUG}", form_of(editor, action="publish",
                                                       unpublish_at=later))
    assert response.status_code == 302
    listing = editor.get("/editor/", headers=BROWSER).get_data(as_text=True)
    assert "Scheduled" in listing and "Unpublish" in listing and LIVE_TITLE in listing
    page = editor.get(f"/editor/{SLUG}", headers=BROWSER).get_data(as_text=True)
    assert f'value="{later}"' in page and "Unpublishes on" in page

    runner = app.test_cli_runner()
    result = runner.invoke(args=["tasks", "run"])
    assert result.exit_code == 0, result.output
    assert "0 scheduled changes applied" in result.output and live_title(app) == LIVE_TITLE

    # Moved to the past: the next run applies it, once.
    assert post(editor, f"/editor/{SLUG}", form_of(
        editor, action="publish", unpublish_at=_when(-timedelta(minutes=1)))).status_code == 302
    result = runner.invoke(args=["tasks", "run"])
    assert "unpublish cancel-a-booking: done" in result.output, result.output
    assert live_title(app) is None
    assert "0 scheduled changes applied" in runner.invoke(args=["tasks", "run"]).output
    history = editor.get(f"/editor/{SLUG}/history", headers=BROWSER).get_data(as_text=True)
    assert "Unpublished as scheduled by editor@pronto.test" in history
    assert "Cancelled" in history and "Done" in history  # the first time, replaced; the second

    # A publish time on the draft: applied on the next visit to the editor's list.
    assert post(editor, f"/editor/{SLUG}", form_of(
        editor, action="draft", publish_at=_when(-timedelta(minutes=1)))).status_code == 302
    assert live_title(app) is None
    editor.get("/editor/", headers=BROWSER)
    assert live_title(app) == LIVE_TITLE
    history = editor.get(f"/editor/{SLUG}/history", headers=BROWSER).get_data(as_text=True)
    assert "Published as scheduled by editor@pronto.test" in history


def test_clearing_a_time_cancels_it_and_a_bad_time_is_refused(editor_app):
    app, _ = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    bad = post(editor, f"/editor/{SLUG}", form_of(editor, action="draft", publish_at="soon"))
    assert bad.status_code == 400
    assert "Use a date and time such as" in bad.get_data(as_text=True)
    assert post(editor, f"/editor/{SLUG}", form_of(
        editor, action="draft", publish_at=_when(timedelta(days=1)))).status_code == 302
    assert "Publishes on" in editor.get(f"/editor/{SLUG}", headers=BROWSER).get_data(as_text=True)
    assert post(editor, f"/editor/{SLUG}", form_of(editor, action="draft",
                                                   publish_at="")).status_code == 302
    assert "Publishes on" not in editor.get(f"/editor/{SLUG}",
                                            headers=BROWSER).get_data(as_text=True)
    assert "Scheduled" not in editor.get("/editor/", headers=BROWSER).get_data(as_text=True)


def test_a_scheduled_change_is_applied_once_however_many_ask(editor_app):
    from app.editor.schedule import apply_due, set_schedule

    app, _ = editor_app
    with app.app_context():
        app.extensions["helpcenter"].ensure_ready()
        set_schedule(SLUG, "unpublish", utcnow() - timedelta(minutes=1), None, "cron@pronto.test")
        first, second = apply_due(), apply_due()
        assert [(c.action, c.status) for c in first] == [("unpublish", "done")]
        assert second == []
        # Nothing left to unpublish: recorded as failed with the reason, not raised.
        set_schedule(SLUG, "unpublish", utcnow() - timedelta(minutes=1), None, None)
        [failed] = apply_due()
        assert (failed.status, failed.outcome) == ("failed", "The article is not published.")
    assert live_title(app) is None


def test_a_change_left_running_by_a_stopped_process_is_reported_not_applied_again(editor_app):
    from app.editor.models import ScheduledChange
    from app.editor.schedule import INTERRUPTED, apply_due
    from app.extensions import db

    app, _ = editor_app
    with app.app_context():
        app.extensions["helpcenter"].ensure_ready()
        stuck = ScheduledChange(article_slug=SLUG, action="unpublish", status="running",
                                due_at=utcnow() - timedelta(hours=1),
                                done_at=utcnow() - timedelta(minutes=30))
        recent = ScheduledChange(article_slug=SLUG, action="unpublish", status="running",
                                 due_at=utcnow() - timedelta(minutes=1),
                                 done_at=utcnow() - timedelta(seconds=5))
        db.session.add_all([stuck, recent])
        db.session.commit()
        assert apply_due() == []
        db.session.refresh(stuck)
        db.session.refresh(recent)
        assert (stuck.status, stuck.outcome) == ("failed", INTERRUPTED)
        assert recent.status == "running"  # still being applied by another process
    assert live_title(app) == LIVE_TITLE


def test_review_an_editor_asks_a_manager_approves(editor_app):
    app, content = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    response = post(editor, f"/editor/{SLUG}", form_of(editor, title="Reviewed title",
                                                       action="review",
                                                       review_note="New wording"))
    assert response.status_code == 302 and "saved=review" in response.location
    assert live_title(app) == LIVE_TITLE  # asking changes nothing readers see
    listing = editor.get("/editor/", headers=BROWSER).get_data(as_text=True)
    assert "Waiting for review" in listing
    review_url = re.search(r'href="(/editor/approvals/\d+)"', listing)[1]
    page = editor.get(review_url, headers=BROWSER).get_data(as_text=True)
    assert "+title: Reviewed title" in page and "Approve and publish" not in page
    assert post(editor, review_url, {"decision": "approve"}).status_code == 403
    assert live_title(app) == LIVE_TITLE

    manager, _ = sign_in(app, "manager@pronto.test")
    listing = manager.get("/dashboard/", headers=BROWSER).get_data(as_text=True)
    assert 'href="/editor/approvals/"' in listing  # the manager's way in
    waiting_list = manager.get("/editor/approvals/", headers=BROWSER).get_data(as_text=True)
    assert "Reviewed title" in waiting_list or LIVE_TITLE in waiting_list
    assert f'href="{review_url}"' in waiting_list
    page = manager.get(review_url, headers=BROWSER).get_data(as_text=True)
    assert "Approve and publish" in page and "New wording" in page
    approved = post(manager, review_url, {"decision": "approve"}, review_url)
    assert approved.status_code == 302
    assert live_title(app) == "Reviewed title"
    assert post(manager, review_url, {"decision": "approve"}, "/login").status_code == 409
    history = editor.get(f"/editor/{SLUG}/history", headers=BROWSER).get_data(as_text=True)
    assert "Approved by manager@pronto.test and published" in history
    assert "Asked for review" in history
    assert "Waiting for review" not in editor.get("/editor/", headers=BROWSER).get_data(
        as_text=True)


def test_review_sent_back_needs_a_comment_and_the_editor_sees_it(editor_app):
    app, _ = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    post(editor, f"/editor/{SLUG}", form_of(editor, title="Too short", action="review"))
    listing = editor.get("/editor/", headers=BROWSER).get_data(as_text=True)
    review_url = re.search(r'href="(/editor/approvals/\d+)"', listing)[1]
    admin, _ = sign_in(app, "admin@pronto.test")
    empty = post(admin, review_url, {"decision": "send_back", "comment": " "}, review_url)
    assert empty.status_code == 409 and "Say what should change" in empty.get_data(as_text=True)
    back = post(admin, review_url, {"decision": "send_back",
                                    "comment": "Say which bookings"}, review_url)
    assert back.status_code == 302
    assert live_title(app) == LIVE_TITLE
    page = editor.get(f"/editor/{SLUG}", headers=BROWSER).get_data(as_text=True)
    assert "Sent back by admin@pronto.test" in page and "Say which bookings" in page
    history = editor.get(f"/editor/{SLUG}/history", headers=BROWSER).get_data(as_text=True)
    assert "Say which bookings" in history


def test_review_pages_and_decisions_are_for_the_right_roles(editor_app):
    app, _ = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    post(editor, f"/editor/{SLUG}", form_of(editor, action="review"))
    review_url = re.search(r'href="(/editor/approvals/\d+)"',
                           editor.get("/editor/", headers=BROWSER).get_data(as_text=True))[1]
    agent, _ = sign_in(app, "agent@pronto.test")
    assert agent.get(review_url, headers=BROWSER).status_code == 403
    assert agent.get("/editor/approvals/", headers=BROWSER).status_code == 403
    token = csrf_token(agent, "/login")
    assert agent.post(review_url, data={"csrf_token": token, "decision": "approve"},
                      headers=BROWSER).status_code == 403
    assert app.test_client().get(review_url, headers=BROWSER).status_code == 302
    assert editor.get("/editor/approvals/999999", headers=BROWSER).status_code == 404
    assert live_title(app) == LIVE_TITLE


def test_the_picker_finds_articles_by_title_or_slug_for_staff_only(editor_app):
    app, _ = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    found = editor.get("/editor/articles.json?q=cancel book").get_json()["articles"]
    assert {"slug": SLUG, "title": LIVE_TITLE, "lang": "en", "draft": False} in found
    assert len(editor.get("/editor/articles.json?q=").get_json()["articles"]) == 10
    assert editor.get("/editor/articles.json?q=zzzzqqq").get_json() == {"articles": []}
    assert app.test_client().get("/editor/articles.json?q=cancel").status_code == 302
    agent, _ = sign_in(app, "agent@pronto.test")
    assert agent.get("/editor/articles.json?q=cancel").status_code == 403
    page = editor.get(f"/editor/{SLUG}", headers=BROWSER).get_data(as_text=True)
    assert 'name="related"' in page and 'data-picker="many"' in page
    assert 'data-picker="one"' in page and "/static/picker.js" in page


def test_restoring_a_revision_leaves_the_pending_draft_waiting(editor_app):
    app, content = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    post(editor, f"/editor/{SLUG}", form_of(editor, title="Live change", action="publish"))
    post(editor, f"/editor/{SLUG}", form_of(editor, title="Drafted change", action="draft"))
    history = editor.get(f"/editor/{SLUG}/history", headers=BROWSER).get_data(as_text=True)
    baseline = min(int(i) for i in re.findall(r"<td>(\d+)</td>", history))
    assert post(editor, f"/editor/{SLUG}/restore/{baseline}", {}).status_code == 302
    assert live_title(app) == LIVE_TITLE
    [pending] = content.glob(f"_drafts/*/{SLUG}.md")
    assert "title: Drafted change" in pending.read_text(encoding="utf-8")


def test_the_workflow_speaks_chinese(editor_app):
    from tests.test_editor import _chinese_editor

    app, _ = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    post(editor, f"/editor/{SLUG}", form_of(editor, title="草稿标题", action="review",
                                            unpublish_at=_when(timedelta(days=2))))
    client = _chinese_editor(app)
    page = client.get(f"/editor/{SLUG}?saved=review", headers=BROWSER).get_data(as_text=True)
    for chinese in ("草稿已保存并提交审核", "待发布草稿", "线上版本", "发布草稿", "丢弃草稿",
                    "提交审核", "发布时间", "取消发布时间", "等待审核", "按标题或别名搜索文章",
                    "把图片拖放或粘贴到正文中即可上传"):
        assert chinese in page, chinese
    for english in ("Pending draft", "Publish draft", "Ask for review", "Publish at"):
        assert english not in page, english
    listing = client.get("/editor/", headers=BROWSER).get_data(as_text=True)
    assert "等待审核" in listing and "已计划" in listing and "Waiting for review" not in listing


def test_workflow_routes_need_the_role_and_the_form_token(editor_app):
    app, content = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    post(editor, f"/editor/{SLUG}", form_of(editor, title="Guarded draft", action="review"))
    review_url = re.search(r'href="(/editor/approvals/\d+)"',
                           editor.get("/editor/", headers=BROWSER).get_data(as_text=True))[1]
    routes = (f"/editor/{SLUG}/draft/publish", f"/editor/{SLUG}/draft/discard")
    for path in (*routes, review_url):  # no CSRF token: refused, nothing changes
        assert editor.post(path, data={"decision": "approve"},
                           headers=BROWSER).status_code == 400, path
    for email in ("agent@pronto.test", "manager@pronto.test"):
        other, _ = sign_in(app, email)
        token = csrf_token(other, "/login")
        for path in routes:
            assert other.post(path, data={"csrf_token": token},
                              headers=BROWSER).status_code == 403, (email, path)
    assert app.test_client().post(routes[0], headers=BROWSER).status_code in {302, 400}
    assert live_title(app) == LIVE_TITLE and list(content.glob(f"_drafts/*/{SLUG}.md"))


def test_the_diff_shows_what_changed_not_how_the_file_was_laid_out(editor_app):
    app, _ = editor_app
    editor, _ = sign_in(app, "editor@pronto.test")
    post(editor, f"/editor/{SLUG}", form_of(editor, title="Only the title", action="draft"))
    page = editor.get(f"/editor/{SLUG}", headers=BROWSER).get_data(as_text=True)
    diff = re.search(r'<pre class="diff" id="pending-diff">(.*?)</pre>', page, re.S)[1]
    changed = [line for line in diff.splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert sorted(line.split(":")[0] for line in changed) == ["+title", "+updated", "-title",
                                                             "-updated"], changed
