from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.chunk import chunk_document, chunk_documents
from briefing.ingest import document_from_text

_sentence = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=80
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(_sentence, st.sampled_from(["\n", "\n\n", ". ", "\r\n", "Latest Post\n"])),
        max_size=40,
    ),
    st.integers(min_value=20, max_value=600),
)
def test_chunk_offsets_are_exact_on_arbitrary_text(parts: list[str], max_chars: int) -> None:
    doc = document_from_text("".join(parts), "x.txt")
    furniture = [(f.start, f.end) for f in doc.furniture]
    previous_end = 0
    for chunk in chunk_document(doc, max_chars=max_chars):
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert chunk.start >= previous_end
        previous_end = chunk.end
        for sentence in chunk.sentences:
            assert doc.text[sentence.start : sentence.end] == sentence.text
            assert chunk.start <= sentence.start < sentence.end <= chunk.end
            assert not any(s <= sentence.start and sentence.end <= e for s, e in furniture)


def test_chunks_respect_the_size_and_never_split_sentences() -> None:
    sentence = "This sentence has exactly eight words in it. "
    doc = document_from_text(sentence * 60, "long.txt")
    chunks = chunk_document(doc, max_chars=300)
    assert len(chunks) > 5
    assert all(len(c.text) <= 300 for c in chunks)
    assert all(c.text.endswith("in it.") for c in chunks)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert len({c.id for c in chunks}) == len(chunks)


def test_furniture_ends_a_chunk() -> None:
    body = "Officials described the situation in detail to reporters at the scene today."
    doc = document_from_text(f"{body}\n\nGIF 1\n\n{body} Again.\n", "f.txt")
    chunks = chunk_documents([doc])
    assert len(chunks) == 2
    assert all("GIF" not in c.text for c in chunks)
