from __future__ import annotations

from briefing.chunk import chunk_documents
from briefing.ingest import document_from_text
from briefing.lexicon import content_terms, stem
from briefing.retrieve import ChunkIndex, infer_topic, retrieve_chunks


def _docs() -> list:
    return [
        document_from_text(
            "Flood waters rose in the valley on Sunday. Rescue teams evacuated villages near the "
            "river. The Valley Council said the flood barriers held.",
            "a.txt",
        ),
        document_from_text(
            "The flood forced hundreds from their homes. Rescue crews worked overnight along the "
            "river, the Valley Council said.",
            "b.txt",
        ),
        document_from_text(
            "A local bakery won a prize for its bread this week. The judges loved the crust.",
            "c.txt",
        ),
    ]


def test_stem_and_terms() -> None:
    assert stem("talks") == stem("talk")
    assert stem("Iran\u2019s") == "iran"
    # A word and its inflections share one stem whether or not it ends in e.
    for forms in (("increase", "increased", "increases"), ("vote", "votes", "voted")):
        assert len({stem(w) for w in forms}) == 1, forms
    assert stem("release") != stem("relay")
    assert "the" not in content_terms("The flood and the river")


def test_bm25_ranks_matching_chunks_first() -> None:
    chunks = chunk_documents(_docs())
    index = ChunkIndex(chunks)
    hits = index.search("flood rescue", limit=10)
    assert {c.doc_id for c, _ in hits} == {d.id for d in _docs()[:2]}
    assert hits[0][1] >= hits[-1][1] > 0
    assert index.search("the of and", limit=10) == []


def test_infer_topic_prefers_terms_shared_by_documents() -> None:
    topic = infer_topic(_docs()[:2])
    assert "flood" in topic.lower()
    assert "Valley" in topic or "river" in topic.lower() or "rescue" in topic.lower()


def test_an_inferred_topic_keeps_a_two_word_name_whole() -> None:
    docs = [
        document_from_text(
            f"Headline {i}\n\nThe White House said on Monday that Biden would meet senators. "
            f"Officials at the White House said Biden wants a deal with senators, aides said.",
            f"{i}.txt",
        )
        for i in range(3)
    ]
    topic = infer_topic(docs)
    assert "White House" in topic and "Biden" in topic, topic
    assert topic.count(",") == 2  # still three terms


def test_an_inferred_topic_is_words_a_reader_reads_as_a_subject() -> None:
    # "Manchin, Democrats, Sen" and "Senate, Sen, crimes" on real pages; "biden" lower-cased
    # because the name mostly opens sentences; "J6'" with a quotation mark.
    docs = [
        document_from_text(
            f"Headline {i}\n\nSen. Manchin met Sen. Sinema on Nov. 3 in the Capitol. Sen. "
            f"Manchin said the J6' panel would meet Gov. Hogan. Manchin wants a deal.\n",
            f"{i}.txt",
        )
        for i in range(3)
    ]
    words = infer_topic(docs).split(", ")
    assert "Manchin" in words and not {"Sen", "Nov", "Gov", "sen"} & set(words), words
    assert not any(w.endswith("'") for w in words), words
    names = [
        document_from_text(
            f"Headline {i}\n\nBiden spoke on Monday. Biden met the governors. Biden left.\n",
            f"{i}.txt",
        )
        for i in range(3)
    ]
    assert "Biden" in infer_topic(names).split(", ")


def test_large_corpora_are_cut_to_the_best_chunks_per_document() -> None:
    docs = [
        document_from_text(
            f"Story {i} about the flood in town {i}. Nothing else here at all.", f"{i}.txt"
        )
        for i in range(50)
    ]
    docs.append(document_from_text("The bakery won a prize. The bread was praised.", "x.txt"))
    chunks = chunk_documents(docs)
    kept = retrieve_chunks(chunks, "flood", limit=10, per_document=1)
    assert len(kept) == 10
    assert all("flood" in c.text for c, _ in kept)
    assert max(s for _, s in kept) == 1.0


def test_an_inferred_topic_of_a_french_page_names_its_subject_not_its_articles() -> None:
    text = (
        "La loi sur le renseignement\n\nLe Conseil constitutionnel a validé la loi sur le "
        "renseignement, mais les sages ont censuré trois articles de la loi. Les députés "
        "avaient voté la loi sur le renseignement en mai, et les sénateurs ont suivi par un "
        "vote large. La surveillance des communications est au coeur de la loi.\n"
    )
    topic = infer_topic([document_from_text(text, "loi.txt")])
    words = topic.split(", ")
    assert "loi" in words and "renseignement" in words, topic
    assert not {"les", "des", "par", "la", "le", "sur", "et"} & set(words), topic
