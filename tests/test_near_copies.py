"""Near-copies: articles most of whose text is another's are reported, different ones are not."""

from __future__ import annotations

import re

from app.content.models import Article
from app.content.near_copies import find_near_copies
from tests.conftest import write_article

REFUND_STEPS = """
To ask for a refund, open Orders in the app and choose the order you want to return. Tap
Request a refund, pick the items and tell us briefly what went wrong with them. If the parcel
was damaged on the way, add a photo of the box and of the label so the courier can be charged
instead of you. Card payments are refunded to the same card within five working days of our
approval; wallet payments come back at once. You will get an email when the refund is approved
and another when the money has been sent, with the amount and the reference your bank shows.
"""

PASSWORD_STEPS = """
If you forgot your password, open the sign-in page and choose Forgot password. Enter the email
address of your account and we send a link that works for one hour. Open it on the same device,
choose a new password of at least twelve characters and sign in again. If the email does not
arrive, look in the spam folder, check that the address is spelt correctly, and wait ten
minutes before asking for another link, because each new link cancels the one before it.
"""

NOTICE = """
关于延长春节假期的通知：为做好疫情防控工作，减少人员聚集，经研究决定，本市企业复工时间不早于二月九日
二十四时。涉及保障城市运行必需、疫情防控必需、群众生活必需及其他涉及重要国计民生的企业除外。
各单位要加强员工健康监测，发现发热、咳嗽等症状的人员应及时就医，并按规定报告所在社区。
学校开学时间另行通知，其间学生不返校，各校通过网络平台开展线上教学安排。
"""


def article(slug: str, body: str, title: str | None = None, journey: str = "orders") -> Article:
    return Article(slug=slug, journey=journey, title=title or slug.replace("-", " "),
                   summary="", body=body, path=f"{journey}/{slug}.md", content_hash=slug)


def test_a_lightly_edited_copy_is_reported_against_its_original():
    edited = (REFUND_STEPS.replace("five working days", "three to five working days")
              .replace("briefly", "in a few words"))
    pairs = find_near_copies([
        article("refund-an-order", REFUND_STEPS),
        article("get-money-back", edited),
        article("reset-password", PASSWORD_STEPS, journey="account"),
    ])
    assert len(pairs) == 1
    pair = pairs[0]
    assert {pair.article.slug, pair.original.slug} == {"refund-an-order", "get-money-back"}
    assert 0.8 <= pair.share <= 1
    assert "near-copy" in pair.message() and pair.original.path in pair.message()


def test_a_short_article_quoted_whole_in_a_long_one_is_the_copy():
    guide = PASSWORD_STEPS + "\n\n## Refunds\n" + REFUND_STEPS
    pairs = find_near_copies([article("everything-guide", guide),
                              article("refund-an-order", REFUND_STEPS)])
    assert [(p.article.slug, p.original.slug) for p in pairs] == [
        ("refund-an-order", "everything-guide")]


def test_articles_on_the_same_subject_in_their_own_words_are_not_copies():
    other_refund = """
    Changed your mind? Returns are free for thirty days. Start from the receipt email: the
    Return items button opens a form where you choose a drop-off point near you. Once the
    warehouse scans the parcel, we pay you back the way you paid, usually within a week.
    Gift cards and opened software cannot be returned, and delivery fees are kept unless the
    mistake was ours. Questions about a return can go to our support team from the same form.
    """
    assert find_near_copies([article("refund-an-order", REFUND_STEPS),
                             article("returns-policy", other_refund)]) == []


def test_chinese_copies_are_found_character_by_character():
    republished = NOTICE.replace("二月九日", "2月9日")
    pairs = find_near_copies([article("notice-city", NOTICE, journey="policies"),
                              article("notice-district", republished, journey="policies"),
                              article("reset-password", PASSWORD_STEPS, journey="account")])
    assert len(pairs) == 1 and pairs[0].share >= 0.8


def test_a_closing_paragraph_shared_by_many_articles_does_not_make_them_copies():
    closing = ("\n\nStill stuck? Contact our support team from the Help button in the app; we "
               "answer every message within one working day, weekends included. We never ask "
               "for your password, your full card number or the code we text you, so do not "
               "share them with anyone who writes to you in our name, even if the message "
               "looks like ours and knows your order number.\n")
    articles = [article(f"article-{n}", f"Item {n} is set up under code{n} in settings.{closing}")
                for n in range(30)]
    assert find_near_copies(articles) == []
    assert len(find_near_copies(articles[:2])) == 1  # two alone are copies of each other


def test_content_check_warns_of_near_copies_and_strict_fails(app, runner, content_dir):
    first = write_article(content_dir, "refunds-and-after-sales", "refund-an-order",
                          "title: Refund an order\nsummary: How to ask for a refund", REFUND_STEPS)
    second = write_article(content_dir, "refunds-and-after-sales", "money-back",
                           "title: Get your money back\nsummary: Refunds", REFUND_STEPS)
    try:
        result = runner.invoke(args=["content", "check"])
        assert result.exit_code == 0, result.output
        assert re.search(r"/(refund-an-order|money-back)\.md:1: warning: near-copy: about "
                         r"(9\d|100)% of its text is also in refunds-and-after-sales/"
                         r"(money-back|refund-an-order)\.md", result.output), result.output
        assert runner.invoke(args=["content", "check", "--strict"]).exit_code == 1
    finally:
        first.unlink()
        second.unlink()
