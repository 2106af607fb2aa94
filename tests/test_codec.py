"""The rebuild's codec answers what Whoosh's own W3 codec answers, from memory."""

from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, TEXT, Schema
from whoosh.index import create_in

from app.search.codec import LengthsInMemoryCodec, LengthsInMemoryReader

DOCUMENTS = [
    {"slug": "refunds", "title": "Request a refund", "body": "Refunds take five days " * 40},
    {"slug": "password", "title": "Reset a password", "body": "Open the sign-in page."},
    {"slug": "empty", "title": "Nothing else", "body": ""},
]


def _index(folder, codec):
    schema = Schema(slug=ID(stored=True), title=TEXT(stored=True), body=TEXT)
    ix = create_in(str(folder), schema)
    writer = ix.writer(codec=codec)
    for document in DOCUMENTS:
        writer.add_document(**document)
    writer.commit()
    return ix


def test_postings_lengths_and_block_figures_are_those_of_whoosh(tmp_path):
    (tmp_path / "w3").mkdir()
    (tmp_path / "memory").mkdir()
    plain = _index(tmp_path / "w3", W3Codec()).reader()
    memory = _index(tmp_path / "memory", LengthsInMemoryCodec()).reader()
    assert isinstance(memory._perdoc, LengthsInMemoryReader)
    for field in ("title", "body"):
        terms = list(plain.lexicon(field))
        assert terms and terms == list(memory.lexicon(field))
        for term in terms:
            a, b = plain.postings(field, term), memory.postings(field, term)
            assert (a.block_max_length(), a.block_min_length()) == (
                b.block_max_length(), b.block_min_length())
            assert list(a.all_items()) == list(b.all_items())
        for docnum in range(len(DOCUMENTS)):
            assert memory.doc_field_length(docnum, field) == plain.doc_field_length(
                docnum, field)
    assert memory.doc_field_length(0, "slug", 7) == plain.doc_field_length(0, "slug", 7)
    plain.close()
    memory.close()
