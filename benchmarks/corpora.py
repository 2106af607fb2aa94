"""The corpora and questions the benchmark runs on: the demo content, imported support
articles, a seeded synthetic corpus of any size, and the Chinese evaluation set."""

from __future__ import annotations

import argparse
import random
import re
import time
from datetime import date, timedelta
from pathlib import Path

from app.content import Article
from app.content.importer import import_tree

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_CONTENT = PROJECT_ROOT / "content"
OFFICEDOCS = PROJECT_ROOT.parent / "shared" / "corpus" / "officedocs-support"
CHINESE = PROJECT_ROOT.parent / "shared" / "eval" / "ncp-policies"
SEED = 20240601

# Head of the synthetic vocabulary, most frequent first; the tail is made-up words (see vocabulary).
FUNCTION_WORDS = """the to and a of you your in is for on it that this if with can be or are
not from as when at by have will an do then our we more after any into about""".split()
HELP_WORDS = """account order payment app password email refund card delivery settings sign
phone booking address notification code error message support subscription plan invoice
charge update device login provider service cancel change verify reset screen open select
tap check try again page profile receipt wallet bank transfer balance credit store item return
request status time day minutes hours link browser network connection data location permission
security alert two factor authentication contact help issue problem fail declined pending
missing wrong late arrive track tracking courier driver schedule reschedule confirm
confirmation receive send download install version restart clear cache storage battery offline
sync history search filter menu button tab option list name number invoice tax fee discount
promo voucher gift team business admin user member invite role share export import report
privacy delete close reopen limit region country language currency review rating tip
""".split()
QUESTION_STARTS = ("how do i", "how to", "why is my", "why can't i", "what happens if",
                   "can i", "where is my", "my", "help with", "")
JOURNEYS = (("getting-started", "Getting started"), ("account", "Account and security"),
            ("billing", "Billing and payments"), ("orders", "Orders and delivery"),
            ("troubleshooting", "Troubleshooting"), ("privacy", "Privacy and data"))


# ---------------------------------------------------------------- corpora
def vocabulary(size: int, rng: random.Random) -> tuple[list[str], list[float]]:
    """Words with Zipfian cumulative weights: real help-center words first, made-up ones after."""
    syllables = ["ka", "lo", "mi", "ser", "ton", "vel", "dra", "pin", "sto", "rex", "ba", "nu",
                 "fi", "gor", "tal", "zen", "qua", "mor", "li", "pe", "sca", "dun", "ve", "ro"]
    words = list(dict.fromkeys(FUNCTION_WORDS + HELP_WORDS))
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights, total = [], 0.0
    for rank in range(1, size + 1):
        total += 1.0 / rank**1.07
        weights.append(total)
    return words, weights


def write_generated(target: Path, count: int) -> None:
    """``count`` articles of ~400 words in 6 journeys; the same files for the same count."""
    rng = random.Random(SEED)
    words, weights = vocabulary(30_000, rng)
    help_words = HELP_WORDS

    def sentence(n: int) -> str:
        text = " ".join(rng.choices(words, cum_weights=weights, k=n))
        return text[:1].upper() + text[1:] + "."

    target.mkdir(parents=True)
    (target / "journeys.yml").write_text("".join(
        f"- {{slug: {slug}, title: {title}, description: About {title.lower()}., icon: x}}\n"
        for slug, title in JOURNEYS), encoding="utf-8")
    for number in range(count):
        slug, _ = JOURNEYS[number % len(JOURNEYS)]
        title = " ".join(rng.sample(help_words, 2) + rng.choices(words[:3000], k=rng.randint(2, 5)))
        tags = rng.sample(help_words, rng.randint(2, 4))
        updated = date(2024, 1, 1) + timedelta(days=rng.randint(0, 700))
        paragraphs, remaining = [], max(120, int(rng.gauss(400, 120)))
        while remaining > 0:
            size = min(remaining, rng.randint(40, 90))
            if rng.random() < 0.25:
                paragraphs.append("## " + sentence(rng.randint(3, 6))[:-1])
            paragraphs.append(" ".join(sentence(rng.randint(8, 18)) for _ in range(size // 12)))
            remaining -= size
        (target / slug).mkdir(exist_ok=True)
        (target / slug / f"article-{number:05d}.md").write_text(
            f"---\ntitle: {title.capitalize()} {number}\nsummary: {sentence(rng.randint(10, 20))}\n"
            f"tags: [{', '.join(tags)}]\nupdated: {updated.isoformat()}\n---\n\n"
            + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


def prepare(name: str, work: Path, args: argparse.Namespace) -> tuple[Path | None, str]:
    """The content directory for a corpus, or None and the reason it is skipped."""
    if name == "demo":
        return DEMO_CONTENT, "the project's content/"
    if name == "chinese":
        if not (CHINESE / "content").is_dir():
            return None, f"{CHINESE} not found"
        return CHINESE / "content", "599 Chinese policy documents, real citizens' questions"
    if name == "officedocs":
        if not OFFICEDOCS.is_dir():
            return None, f"{OFFICEDOCS} not found"
        started = time.perf_counter()
        report = import_tree(OFFICEDOCS, work / "officedocs")
        return work / "officedocs", (f"imported {report.imported} articles "
                                     f"in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    write_generated(work / "generated", args.generated_count)
    return work / "generated", (f"{args.generated_count} synthetic articles written "
                                f"in {time.perf_counter() - started:.1f} s")


# ---------------------------------------------------------------- queries
def misspell(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    edit = rng.choice(("swap", "drop", "double"))
    if edit == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i + 1:] if edit == "drop" else word[:i] + word[i] + word[i:]


def make_queries(articles: list[Article], count: int, rng: random.Random) -> list[str]:
    """Unique 2–8-word questions from titles, tags and body words; about 1 in 7 misspelt."""
    queries: dict[str, None] = {}
    attempts = 0
    while len(queries) < count and attempts < count * 50:
        attempts += 1
        article = rng.choice(articles)
        title = re.findall(r"[a-z][a-z'-]{2,}", article.title.lower())
        body = re.findall(r"[a-z]{4,}", article.body[:3000].lower())
        pool = title + list(article.tags) + rng.sample(body, min(len(body), 4))
        if not pool:
            continue
        start = rng.choice(QUESTION_STARTS).split()
        size = rng.randint(max(1, 2 - len(start)), max(1, 8 - len(start)))
        picked = [rng.choice(pool) for _ in range(size)]
        if rng.random() < 0.15:
            long_words = [i for i, w in enumerate(picked) if len(w) >= 5]
            if long_words:
                i = rng.choice(long_words)
                picked[i] = misspell(picked[i], rng)
        queries[" ".join(start + picked)] = None
    return list(queries)


def zipf_stream(queries: list[str], length: int, rng: random.Random) -> list[str]:
    """Traffic in which a few questions make most of the searches."""
    weights = [1.0 / rank for rank in range(1, len(queries) + 1)]
    return rng.choices(queries, weights=weights, k=length)


def chinese_questions(count: int) -> list[str]:
    """Real questions of the Chinese evaluation set, in file order."""
    lines = (CHINESE / "dev.tsv").read_text(encoding="utf-8").splitlines()
    return list(dict.fromkeys(line.split("\t", 1)[0] for line in lines if "\t" in line))[:count]
