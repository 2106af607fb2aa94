"""Whoosh's W3 codec with each field's document lengths read once into memory.

Writing a segment's postings, Whoosh asks the length of the posting's field in its document for
every posting it writes (1.1 million times for 5,000 generated articles), and W3's reader seeks
and reads that byte from the lengths column file each time: a quarter of a rebuild's commit.
Here each field's column is read whole on first use and kept as bytes (one per article and
field), so the same answers come from memory. Searches reading such a segment get the same
reader, so the first stage's lengths and BM25's come from memory too.

A segment remembers its codec in the index's table of contents, so this class must stay
importable under this name; an index that cannot be read is rebuilt (``indexer.ensure_index``).
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader
from whoosh.util.numeric import byte_to_length


class LengthsInMemoryReader(W3PerDocReader):
    """``doc_field_length`` from each field's lengths column, read once."""

    def __init__(self, storage, segment) -> None:
        super().__init__(storage, segment)
        self._length_bytes: dict[str, bytes | None] = {}

    def _lengths(self, fieldname: str) -> bytes | None:
        try:
            return self._length_bytes[fieldname]
        except KeyError:
            reader = self._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
            found = None if reader is None else bytes(reader[docnum]
                                                      for docnum in range(self._doccount))
            self._length_bytes[fieldname] = found
            return found

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        lengths = self._lengths(fieldname)
        if lengths is None:
            return default
        stored = lengths[docnum]
        return byte_to_length(stored) if stored else None  # as W3PerDocReader answers


class LengthsInMemoryCodec(W3Codec):
    def per_document_reader(self, storage, segment) -> LengthsInMemoryReader:
        return LengthsInMemoryReader(storage, segment)
