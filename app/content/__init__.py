"""Help articles: Markdown files with front matter, grouped by user journey.

Nothing in this package knows about Flask; it is used by the indexer, the CLI and the tests.
"""

from app.content.loader import ContentSet, load_content
from app.content.models import Article, Journey
from app.content.problems import Problem

__all__ = ["Article", "ContentSet", "Journey", "Problem", "load_content"]
