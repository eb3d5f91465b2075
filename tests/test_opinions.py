"""Sentence labels of the built-in grammar: sentiment is compositional, topic follows the
evaluated noun, and both sides of a pair carry the same labels."""

import re

import pytest

from xldistill.data import lexicon
from xldistill.data.grammar import SentenceGenerator, load_lexicon

NOUNS, ADJECTIVES, VERBS = load_lexicon()


def english_polarities() -> dict[str, int]:
    """Every English form of an evaluative word → its polarity."""
    words = {}
    for adjective in ADJECTIVES:
        for form in adjective.english:
            words[form] = adjective.polarity
    for verb in (v for v in VERBS if v.concept in lexicon.VERB_POLARITY):  # not "clean" the verb
        for english in verb.english:
            for form in (english.base, english.third, english.past, english.participle):
                words[form] = lexicon.VERB_POLARITY[verb.concept]
    for english, _, polarity in lexicon.MANNER_ADVERBS:
        for form in english:
            words[form] = polarity
    return words


POLARITY = english_polarities()
NAMES = ("negative", "neutral", "positive")


def clause_sentiment(words: list[str]) -> str:
    """What a reader computes: the polarity of the one evaluative word, flipped by negation."""
    polar = [POLARITY[w] for w in words if POLARITY.get(w)]
    assert len(polar) <= 1, words  # one evaluative word per clause, nothing else is polar
    value = polar[0] if polar else 0
    return NAMES[(-value if "not" in words else value) + 1]


def split_clauses(sentence: str, form: str) -> tuple[list[str], list[str]]:
    """(the clause that decides, the other one): B in "A, but B", "although A, B" and "B although A"."""
    words = re.findall(r"[\w'-]+", sentence.lower())
    if form == "single":
        return words, []
    if form == "but":
        cut = words.index("but")
        return words[cut + 1:], words[:cut]
    marker = "although" if "although" in words else "though"
    cut = words.index(marker)
    if form == "although_back":
        return words[:cut - (marker == "though")], words[cut + 1:]
    first, rest = sentence.lower().split(",", 1)
    return re.findall(r"[\w'-]+", rest), re.findall(r"[\w'-]+", first)[1 + (marker == "though"):]


def deciding_clause(sentence: str, form: str) -> list[str]:
    return split_clauses(sentence, form)[0]


@pytest.fixture(scope="module")
def opinions():
    generator = SentenceGenerator(11)
    return [generator.opinion() for _ in range(3000)]


def test_the_sentiment_label_is_what_the_deciding_clause_says(opinions):
    forms = set()
    for pair in opinions:
        forms.add(pair.meta["form"])
        assert clause_sentiment(deciding_clause(pair.source, pair.meta["form"])) == pair.meta["sentiment"], pair.source
    assert forms == {"single", "but", "although_front", "although_back"}


def test_negation_flips_and_german_negates_where_english_does(opinions):
    flipped = 0
    for pair in opinions:
        if pair.meta["form"] != "single":
            continue
        english = re.findall(r"[\w'-]+", pair.source.lower())
        german = re.findall(r"\w+", pair.target.lower())
        negated_en = "not" in english
        negated_de = "nicht" in german or any(w.startswith("kein") for w in german)
        assert negated_en == negated_de, (pair.source, pair.target)
        polar = [POLARITY[w] for w in english if POLARITY.get(w)]
        if negated_en and polar:
            flipped += 1
            assert pair.meta["sentiment"] == NAMES[-polar[0] + 1]
    assert flipped > 100


def test_kein_and_nicht_stand_elsewhere_than_not(opinions):
    kein = [p for p in opinions if re.search(r"\bkein", p.target)]
    assert kein, "negated indefinite objects use kein"
    verb_final_nicht = [p for p in opinions if p.meta["form"] == "single" and
                        re.search(r"\bnicht \w+ (ge\w+|\w+t)\.$", p.target) and " not " in p.source]
    assert verb_final_nicht  # "hat die Suppe nicht gut gekocht": nicht before the participle


def test_contrast_clauses_disagree_and_the_main_clause_wins(opinions):
    for pair in (p for p in opinions if p.meta["form"] != "single"):
        assert pair.meta["sentiment"] != "neutral"
        _, other = split_clauses(pair.source, pair.meta["form"])
        assert clause_sentiment(other) not in ("neutral", pair.meta["sentiment"]), pair.source


def test_neutral_sentences_carry_no_evaluative_word(opinions):
    neutral = [p for p in opinions if p.meta["sentiment"] == "neutral"]
    assert len(neutral) > 300
    for pair in neutral:
        assert not [w for w in re.findall(r"[\w'-]+", pair.source.lower()) if POLARITY.get(w)], pair.source


def test_topic_is_the_domain_of_the_evaluated_noun(opinions):
    english_nouns = {}
    for noun in NOUNS:
        for singular, plural in noun.english:
            for form in (singular, plural):
                if form:
                    english_nouns[form] = noun.concept
    for pair in opinions[:500]:
        topic_words = set(lexicon.TOPICS[pair.meta["topic"]].split())
        concepts = {english_nouns[w] for w in re.findall(r"[a-z]+", pair.source.lower()) if w in english_nouns}
        assert concepts & topic_words, pair.source
        for other, words in lexicon.TOPICS.items():  # no noun of another topic is evaluated
            if other != pair.meta["topic"] and pair.meta["form"] == "single":
                assert not (concepts & set(words.split()) - topic_words), pair.source


def test_labels_are_deterministic_per_seed_and_balanced():
    first = [SentenceGenerator(5).opinion() for _ in range(1)]
    a, b = SentenceGenerator(5), SentenceGenerator(5)
    draws_a = [(p.source, p.target, p.meta) for p in (a.opinion() for _ in range(200))]
    draws_b = [(p.source, p.target, p.meta) for p in (b.opinion() for _ in range(200))]
    assert draws_a == draws_b and first[0].source == draws_a[0][0]
    assert draws_a != [(p.source, p.target, p.meta) for p in (SentenceGenerator(6).opinion() for _ in range(200))]
    sentiments = [m["sentiment"] for *_, m in draws_a]
    assert all(sentiments.count(name) > 20 for name in NAMES)


def test_the_translation_corpus_holds_opinion_sentences():
    generator = SentenceGenerator(3)
    kinds = [generator.sentence().kind for _ in range(1000)]
    assert 100 < kinds.count("opinion") < 300
