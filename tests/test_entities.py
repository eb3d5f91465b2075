"""Entity spans in the built-in corpus, the CoNLL and GermEval readers and their errors."""

import pytest

from xldistill.data import lexicon
from xldistill.data.grammar import SentenceGenerator
from xldistill.data.tagged import (TaggedSet, bio_labels, builtin_sets, check_types, map_types, read_conll,
                                   read_germeval, spans, split_words, write_conll)
from xldistill.errors import CorpusError

EXONYMS = {english: german for english, german in lexicon.PLACES if english != german}
ORGANISATIONS = {org[1]: org[4] for org in lexicon.ORGANISATIONS}


@pytest.fixture(scope="module")
def pairs():
    generator = SentenceGenerator(11)
    return [generator.sentence() for _ in range(3000)]


def entity_words(pair, entity):
    en, _ = pair.tagged("en")
    de, _ = pair.tagged("de")
    return " ".join(en[i] for i in entity["en"]), " ".join(de[i] for i in entity["de"])


def test_the_tagged_words_are_the_words_of_the_rendered_sentence(pairs):
    for pair in pairs:
        for side, text in (("en", pair.source), ("de", pair.target)):
            words, tags = pair.tagged(side)
            assert split_words(text) == words and len(tags) == len(words)
            assert all(tag == "O" or tag[:2] in ("B-", "I-") for tag in tags)


def test_every_entity_is_aligned_with_the_same_type_on_both_sides(pairs):
    seen = {"exonym": 0, "organisation": 0, "multi_word": 0, "genitive": 0, "moved": 0}
    for pair in pairs:
        _, en_tags = pair.tagged("en")
        _, de_tags = pair.tagged("de")
        assert len(spans(en_tags)) == len(spans(de_tags)) == len(pair.entity_alignment())
        for entity in pair.entity_alignment():
            english, german = entity_words(pair, entity)
            kind = entity["type"]
            # the gold alignment names a whole span on each side: B- then I-, of its type
            assert [en_tags[i] for i in entity["en"]] == [f"B-{kind}"] + [f"I-{kind}"] * (len(entity["en"]) - 1)
            assert [de_tags[i] for i in entity["de"]] == [f"B-{kind}"] + [f"I-{kind}"] * (len(entity["de"]) - 1)
            if kind == "LOC" and english in EXONYMS:
                assert german == EXONYMS[english]
                seen["exonym"] += 1
            if kind == "ORG":
                assert german == ORGANISATIONS[english]
                seen["organisation"] += english != german
            if kind == "PER" and english.endswith("'s"):  # Anna's → Annas, Thomas's → Thomas'
                stem = english[:-2]
                assert german == stem + ("'" if stem[-1] in "sßxz" else "s")
                seen["genitive"] += 1
            seen["multi_word"] += len(entity["en"]) > 1
            seen["moved"] += entity["en"][0] != entity["de"][0]
    assert min(seen.values()) > 10, seen


def test_the_builtin_sets_are_deterministic_disjoint_and_mostly_hold_entities():
    a, alignment = builtin_sets(seed=3, train_size=60, dev_size=20, test_size=30, alignment_size=25,
                                entity_share=0.8, exclude=set())
    b, _ = builtin_sets(seed=3, train_size=60, dev_size=20, test_size=30, alignment_size=25,
                        entity_share=0.8, exclude=set())
    assert a["train"].sentences == b["train"].sentences and a["test"].tags == b["test"].tags
    english = {" ".join(s) for name in ("train", "dev") for s in a[name].sentences}
    assert len(english) == 80
    with_entities = sum(any(t != "O" for t in tags) for tags in a["train"].tags)
    assert 0.6 <= with_entities / 60 <= 0.95
    assert len(alignment) == 25 and all(len(r["en"]) == len(r["en_tags"]) for r in alignment)
    # the German train side is the translation of the English train side, tag for tag in type counts
    for en_tags, de_tags in zip(a["train"].tags, a["target_train"].tags):
        assert sorted(k for k, _, _ in spans(en_tags)) == sorted(k for k, _, _ in spans(de_tags))


# --- files ------------------------------------------------------------------------------

def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_conll_reads_iob2_and_skips_docstart(tmp_path):
    path = write(tmp_path / "a.conll", "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n"
                                       "German JJ B-NP B-MISC\n\nPeter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n")
    tagged = read_conll(path)
    assert tagged.sentences == [["EU", "rejects", "German"], ["Peter", "Blackburn"]]
    assert tagged.tags == [["B-ORG", "O", "B-MISC"], ["B-PER", "I-PER"]]


def test_conll_iob1_is_converted_and_iob2_refuses_an_i_without_b(tmp_path):
    path = write(tmp_path / "iob1.conll", "Peter I-PER\nBlackburn I-PER\nin O\nBonn I-LOC\nBerlin B-LOC\n")
    assert read_conll(path, scheme="iob1").tags == [["B-PER", "I-PER", "O", "B-LOC", "B-LOC"]]
    with pytest.raises(CorpusError, match=r"iob1\.conll:1: I-PER follows O"):
        read_conll(path, scheme="iob2")


def test_conll_errors_name_the_file_and_line(tmp_path):
    with pytest.raises(CorpusError, match=r"b\.conll:2: expected a word and its tag"):
        read_conll(write(tmp_path / "b.conll", "Peter B-PER\nBlackburn\n"))
    with pytest.raises(CorpusError, match=r"c\.conll:1: tag 'X-PER' is not O"):
        read_conll(write(tmp_path / "c.conll", "Peter X-PER\n"))
    with pytest.raises(CorpusError, match=r"d\.conll: no sentences"):
        read_conll(write(tmp_path / "d.conll", "-DOCSTART- O\n\n"))


def test_germeval_reads_the_outer_tag_and_the_type_map_renames_or_drops(tmp_path):
    path = write(tmp_path / "g.tsv", "#\tsource\n1\tDie\tO\tO\n2\tdeutsche\tB-LOCderiv\tO\n3\tBahn\tB-ORG\tO\n"
                                     "4\tin\tO\tO\n5\tEcce\tB-OTH\tO\n6\thomo\tI-OTH\tO\n\n"
                                     "#\tnext\n1\tWien\tB-LOC\tO\n")
    tagged = read_germeval(path)
    assert tagged.tags[0] == ["O", "B-LOCderiv", "B-ORG", "O", "B-OTH", "I-OTH"]
    mapped = map_types(tagged, {"OTH": "MISC", "LOCderiv": "O"})
    assert mapped.tags == [["O", "O", "B-ORG", "O", "B-MISC", "I-MISC"], ["B-LOC"]]
    with pytest.raises(CorpusError, match=r"h\.tsv:2: expected 4 tab-separated fields"):
        read_germeval(write(tmp_path / "h.tsv", "1\tDie\tO\tO\n2\tBahn\tB-ORG\n"))
    with pytest.raises(CorpusError, match="g.tsv: sentence 1 has unknown entity type 'LOCderiv'"):
        check_types(tagged, ["LOC", "ORG", "PER"], "g.tsv")


def test_a_written_set_reads_back(tmp_path):
    tagged = TaggedSet([["Anna", "wohnt", "in", "Frankfurt", "am", "Main", "."]],
                       [["B-PER", "O", "O", "B-LOC", "I-LOC", "I-LOC", "O"]])
    write_conll(tmp_path / "x.conll", tagged)
    assert read_conll(tmp_path / "x.conll") == tagged
    assert bio_labels(["LOC", "PER"]) == ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"]
