"""The built-in corpus: German morphology against hand-written forms, word order
on a generated sample, determinism and the noise it injects."""

import re
from collections import Counter

import pytest

from xldistill.data import lexicon
from xldistill.data.builtin_corpus import NOISE_TYPES, write_builtin_corpus
from xldistill.data.grammar import (AUXILIARIES, GermanNoun, NounPhrase, SentenceGenerator,
                               load_lexicon, lemma_count)
from xldistill.data.textio import dedup_key, read_lines

HUND = GermanNoun("m", "Hund", "Hunde")
KATZE = GermanNoun("f", "Katze", "Katzen")
KIND = GermanNoun("n", "Kind", "Kinder")
JUNGE = GermanNoun("m", "Junge", "Jungen", "Jungen")
WASSER = GermanNoun("n", "Wasser", None)


def np_de(noun, number, det, case, adjs=("klein",), possessive=None, negative=False):
    phrase = NounPhrase("x", noun, number, det, [("x", a) for a in adjs], possessive=possessive)
    return " ".join(w for w, _ in phrase.german(case, negative=negative))


@pytest.mark.parametrize("noun, number, det, case, expected", [
    (HUND, "sg", "def", "nom", "der kleine Hund"),
    (HUND, "sg", "def", "acc", "den kleinen Hund"),
    (HUND, "sg", "indef", "nom", "ein kleiner Hund"),
    (HUND, "sg", "indef", "acc", "einen kleinen Hund"),
    (HUND, "sg", "indef", "dat", "einem kleinen Hund"),
    (HUND, "pl", "def", "dat", "den kleinen Hunden"),
    (HUND, "pl", "bare", "nom", "kleine Hunde"),
    (HUND, "pl", "bare", "dat", "kleinen Hunden"),
    (KATZE, "sg", "indef", "dat", "einer kleinen Katze"),
    (KATZE, "sg", "dem", "dat", "dieser kleinen Katze"),
    (KIND, "sg", "indef", "nom", "ein kleines Kind"),
    (KIND, "sg", "def", "acc", "das kleine Kind"),
    (KIND, "pl", "def", "dat", "den kleinen Kindern"),
    (JUNGE, "sg", "def", "acc", "den kleinen Jungen"),
    (JUNGE, "sg", "def", "nom", "der kleine Junge"),
    (WASSER, "sg", "bare", "dat", "kleinem Wasser"),
    (WASSER, "sg", "bare", "nom", "kleines Wasser"),
])
def test_noun_phrase_agrees_in_gender_number_and_case(noun, number, det, case, expected):
    assert np_de(noun, number, det, case) == expected


def test_possessive_and_negative_determiners_decline_like_ein():
    assert np_de(KATZE, "sg", "poss", "dat", possessive=("my", ("mein", "mein"))) == "meiner kleinen Katze"
    assert np_de(HUND, "sg", "poss", "acc", possessive=("your", ("euer", "eur"))) == "euren kleinen Hund"
    assert np_de(HUND, "pl", "bare", "acc", negative=True) == "keine kleinen Hunde"
    assert np_de(KIND, "sg", "indef", "acc", negative=True) == "kein kleines Kind"


def german_verb(infinitive):
    _, _, verbs = load_lexicon()
    return next(g for v in verbs for g in v.german if g.infinitive == infinitive)


@pytest.mark.parametrize("infinitive, present, past", [
    ("sehen", "sehe siehst sieht sehen seht sehen", "sah sahst sah sahen saht sahen"),
    ("arbeiten", "arbeite arbeitest arbeitet arbeiten arbeitet arbeiten",
     "arbeitete arbeitetest arbeitete arbeiteten arbeitetet arbeiteten"),
    ("tanzen", "tanze tanzt tanzt tanzen tanzt tanzen", "tanzte tanztest tanzte tanzten tanztet tanzten"),
    ("öffnen", "öffne öffnest öffnet öffnen öffnet öffnen", "öffnete öffnetest öffnete öffneten öffnetet öffneten"),
    ("essen", "esse isst isst essen esst essen", "aß aßest aß aßen aßt aßen"),
    ("finden", "finde findest findet finden findet finden", "fand fandest fand fanden fandet fanden"),
    ("mögen", "mag magst mag mögen mögt mögen", "mochte mochtest mochte mochten mochtet mochten"),
    ("füttern", "füttere fütterst füttert füttern füttert füttern",
     "fütterte füttertest fütterte fütterten füttertet fütterten"),
])
def test_verbs_conjugate_by_person_number_and_tense(infinitive, present, past):
    verb = german_verb(infinitive)
    assert " ".join(verb.present(p) for p in range(6)) == present
    assert " ".join(verb.past(p) for p in range(6)) == past


def test_perfect_takes_sein_for_motion_and_haben_otherwise():
    assert german_verb("gehen").auxiliary == "sein"
    assert german_verb("sehen").auxiliary == "haben"
    assert AUXILIARIES["sein"].present(2) == "ist" and AUXILIARIES["haben"].present(0) == "habe"


@pytest.fixture(scope="module")
def sample():
    generator = SentenceGenerator(7)
    return [generator.sentence() for _ in range(3000)]


def finite_forms():
    _, _, verbs = load_lexicon()
    forms = set()
    for verb in [g for v in verbs for g in v.german] + list(AUXILIARIES.values()):
        for person in range(6):
            forms.update((verb.present(person), verb.past(person)))
    return forms


def test_subordinate_clauses_are_verb_final(sample):
    finite = finite_forms()
    checked = 0
    for pair in sample:
        for match in re.finditer(r"\b(?:weil|dass|obwohl|wenn|bevor|während|da) ([^,.?]+)", pair.target):
            clause_words = match.group(1).split()
            assert clause_words[-1] in finite, (pair.target, clause_words)
            assert clause_words[0] not in finite, pair.target
            checked += 1
    assert checked > 500


def test_main_clauses_are_verb_second_after_fronted_adverbials(sample):
    finite = finite_forms()
    fronted = [p.target for p in sample if p.target.split()[0] in ("Heute", "Gestern", "Jetzt", "Oft")]
    assert len(fronted) > 20
    for sentence in fronted:
        assert sentence.split()[1] in finite, sentence


def test_yes_no_questions_start_with_the_finite_verb(sample):
    finite = {f.lower() for f in finite_forms()}
    questions = [p for p in sample if p.kind == "question" and not p.target.startswith(("Wo ", "Wann ", "Warum "))]
    assert len(questions) > 100
    for pair in questions:
        assert pair.target.split()[0].lower() in finite, pair.target
        assert pair.target.endswith("?") and pair.source.endswith("?")


def test_prepositions_govern_case(sample):
    accusative_only = {"das", "ein", "eine", "einen", "die"}
    dative_only = {"dem", "einem", "einer", "der"}
    checked = 0
    for pair in sample:
        words = pair.target.split()
        for prep, following in zip(words, words[1:]):
            if prep == "mit":
                assert following not in accusative_only, pair.target
                checked += 1
            elif prep in ("für", "ohne", "durch"):
                assert following not in dative_only, pair.target
                checked += 1
            elif prep == "in" and following in ("dem", "das"):
                pytest.fail(f"missing contraction im/ins: {pair.target}")
    assert checked > 200


def test_names_places_and_numbers_are_copied_through(sample):
    names = set(lexicon.PERSON_NAMES + lexicon.SURNAMES)  # exonyms and organisations: test_entities.py
    names |= {english for english, german in lexicon.PLACES if english == german}
    copied = 0
    for pair in sample:
        for word, tag in zip(*pair.tagged("en")):
            if (word in names and not tag.endswith("ORG")) or word.isdigit():
                assert word in re.findall(r"[\w']+", pair.target), pair
                copied += 1
    assert copied > 300


def test_one_concept_has_several_translations_on_each_side(sample):
    german_for_car = Counter(w for p in sample for w in p.target.split() if w in ("Auto", "Wagen"))
    english_for_car = Counter(w for p in sample for w in p.source.split() if w in ("car", "automobile"))
    assert len(german_for_car) == 2 and len(english_for_car) == 2


def test_lexicon_is_a_few_hundred_lemmas_and_lengths_span_3_to_40(tmp_path):
    assert lemma_count() >= 300
    write_builtin_corpus(tmp_path, seed=3, train_size=2000, dev_size=10, test_size=10,
                         mono_size=10, noise=0.0)
    lengths = [len(line.split()) for line in read_lines(tmp_path / "train.src")]
    assert min(lengths) >= 3 and max(lengths) <= 45 and max(lengths) >= 25


def corpus_bytes(path):
    return {f.name: f.read_bytes() for f in sorted(path.iterdir())}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    kwargs = dict(train_size=500, dev_size=20, test_size=20, mono_size=50, noise=0.1)
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        (tmp_path / name).mkdir()
        write_builtin_corpus(tmp_path / name, seed=seed, **kwargs)
    assert corpus_bytes(tmp_path / "a") == corpus_bytes(tmp_path / "b")
    assert corpus_bytes(tmp_path / "a")["train.src"] != corpus_bytes(tmp_path / "c")["train.src"]


def test_noise_goes_to_train_only_and_is_labelled(tmp_path):
    write_builtin_corpus(tmp_path, seed=1, train_size=1400, dev_size=100, test_size=100,
                         mono_size=200, noise=0.1)
    labels = read_lines(tmp_path / "train.noise")
    src, tgt = read_lines(tmp_path / "train.src"), read_lines(tmp_path / "train.tgt")
    assert len(labels) == len(src) == len(tgt) == 1400
    counts = Counter(labels)
    assert counts["clean"] == 1260 and all(counts[kind] == 20 for kind in NOISE_TYPES)
    for label, s, t in zip(labels, src, tgt):
        if label == "untranslated":
            assert s == t
        if label == "empty":
            assert not s.strip() or not t.strip()
        if label == "overlong":
            assert len(s.split()) >= 150
        if label == "markup":
            assert "<" in s + t or "http" in s + t
    held_out = read_lines(tmp_path / "dev.src") + read_lines(tmp_path / "test.src")
    assert not any("<" in s or "http" in s for s in held_out)
    # splits and mono are disjoint
    train_keys = {dedup_key(s) for s in src}
    assert not train_keys & {dedup_key(s) for s in held_out}
    parallel_targets = {dedup_key(t) for t in tgt + read_lines(tmp_path / "dev.tgt") + read_lines(tmp_path / "test.tgt")}
    assert not parallel_targets & {dedup_key(t) for t in read_lines(tmp_path / "mono.tgt")}


def test_source_side_monolingual_text_is_disjoint_and_leaves_the_other_files_unchanged(tmp_path):
    kwargs = dict(seed=7, train_size=400, dev_size=30, test_size=30, mono_size=40, noise=0.1)
    (tmp_path / "without").mkdir()
    (tmp_path / "with").mkdir()
    write_builtin_corpus(tmp_path / "without", **kwargs)
    write_builtin_corpus(tmp_path / "with", mono_src_size=300, **kwargs)
    without, with_mono = corpus_bytes(tmp_path / "without"), corpus_bytes(tmp_path / "with")
    assert without.pop("mono.src") == b"" and len(with_mono.pop("mono.src").splitlines()) == 300
    assert without == with_mono
    mono_src = set(read_lines(tmp_path / "with" / "mono.src"))
    for split in ("train", "dev", "test"):
        assert not mono_src & set(read_lines(tmp_path / "with" / f"{split}.src"))
