"""A synchronous English→German grammar: one random derivation, two sentences.

Each generator function draws a structure once (subject, verb, tense, object,
prepositional phrases, adverbials, negation) and renders it in both languages,
so the pair is a correct translation by construction while word order,
morphology and word choice differ the way they do between English and German:

- German noun phrases agree in gender, number and case (strong, weak and mixed
  adjective declension; weak masculine nouns; dative plural -n);
- verbs conjugate by person, number and tense (present, simple past, perfect
  with haben/sein and a clause-final participle);
- main clauses are verb-second (also after a fronted adverbial or a fronted
  subordinate clause), subordinate clauses verb-final, questions verb-first;
- prepositions govern case and contract with the article (in dem → im);
- negation uses *nicht* at the end of the middle field or *kein* on an
  indefinite object, English uses do-support or "no";
- entities: names and most places are copied through, some places have German
  exonyms (Munich → München), organisations translate their parts and decline
  (at the Technical University of Munich → an der Technischen Universität München),
  a possessor name takes the German genitive -s (Anna's dog → Annas Hund);
  numbers are copied through.

Tokens are ``(text, tag)`` pairs; the tag of an entity word is ``(BIO label, serial)``
(``("B-LOC", 3)``), the serial the same on both sides of a pair, so that the NER
branch reads word tags and gold entity alignments off the derivation itself.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from functools import lru_cache

from xldistill.data import lexicon

Token = tuple  # (text, None or the entity tag (BIO label, serial))


def entity_tokens(text: str, kind: str, serial: int) -> list[Token]:
    """The words of one entity, ``("B-PER", serial)``, ``("I-PER", serial)``, ..."""
    return [(word, (("B-" if i == 0 else "I-") + kind, serial)) for i, word in enumerate(text.split())]


def possessive_name(words: list[Token], language: str) -> list[Token]:
    """Anna → Anna's / Annas; the genitive ending joins the name's last word (its span)."""
    *head, (last, tag) = words
    if language == "en":
        return head + [(last + "'s", tag)]
    return head + [(last + ("'" if last[-1] in "sßxz" else "s"), tag)]

# --- German morphology tables -------------------------------------------------

DEFINITE = {
    "nom": {"m": "der", "f": "die", "n": "das", "pl": "die"},
    "acc": {"m": "den", "f": "die", "n": "das", "pl": "die"},
    "dat": {"m": "dem", "f": "der", "n": "dem", "pl": "den"},
}
# Endings of der-words (dieser) and ein-words (ein, kein, mein ...).
DER_WORD_ENDINGS = {
    "nom": {"m": "er", "f": "e", "n": "es", "pl": "e"},
    "acc": {"m": "en", "f": "e", "n": "es", "pl": "e"},
    "dat": {"m": "em", "f": "er", "n": "em", "pl": "en"},
}
EIN_WORD_ENDINGS = {
    "nom": {"m": "", "f": "e", "n": "", "pl": "e"},
    "acc": {"m": "en", "f": "e", "n": "", "pl": "e"},
    "dat": {"m": "em", "f": "er", "n": "em", "pl": "en"},
}
# Attributive adjective endings by declension type.
ADJECTIVE_ENDINGS = {
    "weak": {
        "nom": {"m": "e", "f": "e", "n": "e", "pl": "en"},
        "acc": {"m": "en", "f": "e", "n": "e", "pl": "en"},
        "dat": {"m": "en", "f": "en", "n": "en", "pl": "en"},
    },
    "mixed": {
        "nom": {"m": "er", "f": "e", "n": "es", "pl": "en"},
        "acc": {"m": "en", "f": "e", "n": "es", "pl": "en"},
        "dat": {"m": "en", "f": "en", "n": "en", "pl": "en"},
    },
    "strong": {
        "nom": {"m": "er", "f": "e", "n": "es", "pl": "e"},
        "acc": {"m": "en", "f": "e", "n": "es", "pl": "e"},
        "dat": {"m": "em", "f": "er", "n": "em", "pl": "en"},
    },
}

# Persons: 0=1sg 1=2sg 2=3sg 3=1pl 4=2pl 5=3pl.
WEAK_PAST_ENDINGS = ("", "st", "", "n", "t", "n")


# --- Lexical entries -------------------------------------------------------------

@dataclass(frozen=True)
class GermanNoun:
    gender: str
    singular: str
    plural: str | None  # None: mass noun, singular only
    oblique: str | None = None  # weak masculine accusative/dative singular

    def form(self, case: str, number: str) -> str:
        if number == "sg":
            return self.oblique if (self.oblique and case != "nom") else self.singular
        if case == "dat" and not self.plural.endswith(("n", "s")):
            return self.plural + "n"
        return self.plural


@dataclass(frozen=True)
class Noun:
    concept: str
    english: tuple  # ((singular, plural or None), ...)
    german: tuple  # (GermanNoun, ...)
    classes: frozenset

    @property
    def is_mass(self) -> bool:
        return self.german[0].plural is None

    @property
    def animate(self) -> bool:
        return bool(self.classes & {"person", "animal"})


@dataclass(frozen=True)
class Adjective:
    concept: str
    english: tuple
    german: tuple  # ((predicative, attributive stem), ...)
    applies_to: str
    polarity: int

    def fits(self, noun_classes: frozenset) -> bool:
        if self.applies_to == "any":
            return True
        if self.applies_to == "animate":
            return bool(noun_classes & {"person", "animal"})
        if self.applies_to == "food":
            return bool(noun_classes & {"food", "drink"})
        return bool(noun_classes & {"object", "place"})


@dataclass(frozen=True)
class GermanVerb:
    infinitive: str
    changed_stem: str | None  # 2sg/3sg stem of strong verbs (sieh-t)
    explicit_present: tuple | None  # all six persons for irregular verbs
    past_stem: str
    participle: str
    auxiliary: str  # "haben" or "sein"

    @property
    def stem(self) -> str:
        return self.infinitive[:-2] if self.infinitive.endswith("en") else self.infinitive[:-1]

    def present(self, person: int) -> str:
        if self.explicit_present:
            return self.explicit_present[person]
        if person in (3, 5):
            return self.infinitive
        if person == 0:
            return self.stem + "e"
        stem = self.changed_stem if (self.changed_stem and person in (1, 2)) else self.stem
        # arbeit-est, öffn-et: an e is inserted after t/d and after consonant + m/n;
        # a changed stem never takes it (er hält, not *hältet).
        needs_e = stem == self.stem and _needs_linking_e(stem)
        if person == 1:
            if needs_e:
                return stem + "est"
            return stem + ("t" if stem.endswith(("s", "ß", "z", "x")) else "st")
        return stem + ("et" if needs_e else "t")

    def past(self, person: int) -> str:
        stem = self.past_stem
        if stem.endswith("te"):
            return stem + WEAK_PAST_ENDINGS[person]
        if person == 1:
            return stem + ("est" if stem.endswith(("t", "d", "s", "ß")) else "st")
        if person == 4:
            return stem + ("et" if stem.endswith(("t", "d")) else "t")
        return stem + ("en" if person in (3, 5) else "")


def _needs_linking_e(stem: str) -> bool:
    if stem.endswith(("t", "d")):
        return True
    return len(stem) > 2 and stem[-1] in "mn" and stem[-2] not in "aeiouäöülrmnh"


@dataclass(frozen=True)
class EnglishVerb:
    base: str
    third: str
    past: str
    participle: str


@dataclass(frozen=True)
class Verb:
    concept: str
    english: tuple  # (EnglishVerb, ...)
    german: tuple  # (GermanVerb, ...)
    frame: str
    subject_classes: frozenset
    object_classes: frozenset


HABEN = GermanVerb("haben", None, ("habe", "hast", "hat", "haben", "habt", "haben"),
                   "hatte", "gehabt", "haben")
SEIN = GermanVerb("sein", None, ("bin", "bist", "ist", "sind", "seid", "sind"),
                  "war", "gewesen", "sein")
AUXILIARIES = {"haben": HABEN, "sein": SEIN}


def _rows(block: str) -> list[list[str]]:
    return [line.split("|") for line in block.strip().splitlines()]


def _parse_german_noun(text: str) -> GermanNoun:
    gender, forms = text.split(" ", 1)
    parts = forms.split("/")
    plural = None if parts[1] == "-" else parts[1]
    return GermanNoun(gender, parts[0], plural, parts[2] if len(parts) > 2 else None)


def _parse_german_adjective(text: str) -> tuple[str, str]:
    """(predicative form, attributive stem): teuer~teur → teure; müde → müd-e."""
    predicative, _, stem = text.partition("~")
    stem = stem or predicative
    return predicative, stem[:-1] if stem.endswith("e") else stem


def _parse_german_verb(text: str) -> GermanVerb:
    infinitive, stem2, past, participle, aux = text.split(",")
    explicit = tuple(stem2.split("/")) if "/" in stem2 else None
    changed = stem2 if (stem2 and not explicit) else None
    return GermanVerb(infinitive, changed, explicit, past, participle,
                      "sein" if aux == "s" else "haben")


@lru_cache(maxsize=1)
def load_lexicon() -> tuple[tuple[Noun, ...], tuple[Adjective, ...], tuple[Verb, ...]]:
    nouns = tuple(
        Noun(concept,
             tuple(tuple(None if f == "-" else f for f in e.split("/")) for e in en.split(";")),
             tuple(_parse_german_noun(g) for g in de.split(";")),
             frozenset(classes.split()))
        for concept, en, de, classes in _rows(lexicon.NOUNS)
    )
    adjectives = tuple(
        Adjective(concept, tuple(en.split(";")),
                  tuple(_parse_german_adjective(d) for d in de.split(";")),
                  applies, int(polarity))
        for concept, en, de, applies, polarity in _rows(lexicon.ADJECTIVES)
    )
    verbs = tuple(
        Verb(concept, tuple(EnglishVerb(*e.split("/")) for e in en.split(";")),
             tuple(_parse_german_verb(g) for g in de.split(";")),
             frame, frozenset(subj.split()), frozenset(obj.split()))
        for concept, en, de, frame, subj, obj in _rows(lexicon.VERBS)
    )
    return nouns, adjectives, verbs


def lemma_count() -> int:
    """Distinct lemmas in both languages (nouns, adjectives, verbs, names)."""
    nouns, adjectives, verbs = load_lexicon()
    lemmas = set()
    for n in nouns:
        lemmas.update(("en", e[0]) for e in n.english)
        lemmas.update(("de", g.singular) for g in n.german)
    for a in adjectives:
        lemmas.update(("en", e) for e in a.english)
        lemmas.update(("de", g[0]) for g in a.german)
    for v in verbs:
        lemmas.update(("en", e.base) for e in v.english)
        lemmas.update(("de", g.infinitive) for g in v.german)
    names = set(lexicon.PERSON_NAMES + lexicon.SURNAMES)
    names |= {name for place in lexicon.PLACES for name in place}
    names |= {org[1] for org in lexicon.ORGANISATIONS} | {org[4] for org in lexicon.ORGANISATIONS}
    return len(lemmas) + len(names)


# --- Noun phrases ----------------------------------------------------------------

POSSESSIVES = [  # English, German ein-word stems (with their oblique stem)
    ("my", [("mein", "mein")]),
    ("your", [("dein", "dein"), ("euer", "eur"), ("Ihr", "Ihr")]),
    ("his", [("sein", "sein")]),
    ("her", [("ihr", "ihr")]),
    ("our", [("unser", "unser")]),
    ("their", [("ihr", "ihr")]),
]


@dataclass
class NounPhrase:
    """A noun phrase drawn once; German is rendered per case on demand."""

    en_noun: str
    de_noun: GermanNoun | None  # None for names and numbers-only phrases
    number: str
    determiner: str  # def, indef, dem, poss, num, bare, name
    adjectives: list = field(default_factory=list)  # [(english, german stem)]
    possessive: tuple | None = None  # (english, (stem, oblique stem))
    numeral: str | None = None
    name: tuple | None = None  # (English tokens, German tokens) for determiner "name"
    possessor: tuple | None = None  # (English tokens, German tokens) for determiner "name_poss"
    classes: frozenset = frozenset()
    polarity: int = 0

    @property
    def person(self) -> int:
        return 2 if self.number == "sg" else 5

    @property
    def indefinite(self) -> bool:
        return self.determiner in ("indef", "bare")

    def english(self, negative: bool = False) -> list[Token]:
        if self.determiner == "name":
            return list(self.name[0])
        words = [a[0] for a in self.adjectives] + [self.en_noun]
        if negative:
            det = ["no"]
        elif self.determiner == "def":
            det = ["the"]
        elif self.determiner == "indef" and self.number == "sg":
            det = ["an" if words[0][0] in "aeiou" else "a"]
        elif self.determiner == "dem":
            det = ["this" if self.number == "sg" else "these"]
        elif self.determiner == "poss":
            det = [self.possessive[0]]
        elif self.determiner == "num":
            det = [self.numeral]
        elif self.determiner == "name_poss":
            return self.possessor[0] + [(w, None) for w in words]
        else:
            det = []
        return [(w, None) for w in det + words]

    def german(self, case: str, negative: bool = False) -> list[Token]:
        if self.determiner == "name":
            return list(self.name[1])
        g = "pl" if self.number == "pl" else self.de_noun.gender
        det_kind = "kein" if negative else self.determiner
        if det_kind == "def":
            det, declension = [DEFINITE[case][g]], "weak"
        elif det_kind == "dem":
            det, declension = ["dies" + DER_WORD_ENDINGS[case][g]], "weak"
        elif det_kind in ("kein", "poss") or (det_kind == "indef" and g != "pl"):
            stem, oblique = ("kein", "kein") if det_kind == "kein" else (
                ("ein", "ein") if det_kind == "indef" else self.possessive[1])
            ending = EIN_WORD_ENDINGS[case][g]
            det = [(oblique if ending else stem) + ending]
            declension = "weak" if g == "pl" else "mixed"
        elif det_kind == "num":
            det, declension = [self.numeral], "strong"
        else:  # bare, or a possessor name: Annas großer Hund
            det, declension = [], "strong"
        adjs = [stem + ADJECTIVE_ENDINGS[declension][case][g] for _, stem in self.adjectives]
        words = [(w, None) for w in det + adjs + [self.de_noun.form(case, self.number)]]
        return self.possessor[1] + words if det_kind == "name_poss" else words


# --- Random drawing helpers -------------------------------------------------------

class Generator:
    """Draws sentence pairs; all randomness comes from one seeded ``random.Random``."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.serials = itertools.count()  # entity serials: no randomness, so the corpus is unchanged by them
        self.nouns, self.adjectives, self.verbs = load_lexicon()
        self.verbs_by_frame: dict[str, list[Verb]] = {}
        for verb in self.verbs:
            self.verbs_by_frame.setdefault(verb.frame, []).append(verb)

    # small helpers -----------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def weighted(self, options: dict):
        return self.rng.choices(list(options), weights=list(options.values()))[0]

    def nouns_with(self, classes) -> list[Noun]:
        """Nouns of any of ``classes``; "any" means every noun but places."""
        wanted = set(classes)
        if "any" in wanted:
            wanted |= {"person", "animal", "object"}
        if "animate" in wanted:
            wanted |= {"person", "animal"}
        return [n for n in self.nouns if n.classes & wanted]

    # noun phrases --------------------------------------------------------------
    def noun_phrase(self, classes, *, in_pp: bool = False, allow_name: bool = True,
                    noun: Noun | None = None, neutral: bool = False) -> NounPhrase:
        """A noun phrase of a noun of ``classes`` (or of ``noun``); ``neutral``: its
        adjectives carry no polarity (opinion sentences keep their evaluation in one place)."""
        wanted = set(classes)
        if allow_name and wanted & {"person", "animate", "any"} and self.chance(0.15):
            return self.person_name()
        noun = noun or self.pick(self.nouns_with(wanted))
        en_index = self.rng.randrange(len(noun.english))
        singular_en, plural_en = noun.english[en_index]
        de_noun = self.pick(noun.german)
        if in_pp:
            determiner = self.weighted({"def": 7, "indef": 2, "poss": 1})
        else:
            determiner = self.weighted({"def": 45, "indef": 25, "dem": 8, "poss": 12, "num": 10})
        if noun.is_mass:
            number = "sg"
            if determiner in ("indef", "num"):
                determiner = "bare"
        elif determiner == "num":
            number = "pl"
        else:
            number = "pl" if self.chance(0.3) else "sg"
            if determiner == "indef" and number == "pl":
                determiner = "bare"
        n_adj = self.weighted({0: 6, 1: 3, 2: 1}) if not in_pp else self.weighted({0: 8, 1: 2})
        fitting = [a for a in self.adjectives if a.fits(noun.classes) and not (neutral and a.polarity)]
        chosen = self.rng.sample(fitting, min(n_adj, len(fitting)))
        adjs = [(self.pick(a.english), self.pick(a.german)[1]) for a in chosen]
        possessive = possessor = None
        if determiner == "poss" and self.chance(0.3):
            determiner, person = "name_poss", self.person_name()
            possessor = (possessive_name(person.english(), "en"), possessive_name(person.german("nom"), "de"))
        elif determiner == "poss":
            en_poss, de_options = self.pick(POSSESSIVES)
            possessive = (en_poss, self.pick(de_options))
        numeral = str(self.rng.randint(2, 99)) if determiner == "num" else None
        return NounPhrase(
            singular_en if number == "sg" else plural_en, de_noun, number, determiner,
            adjs, possessive, numeral, possessor=possessor, classes=noun.classes,
            polarity=sum(a.polarity for a in chosen),
        )

    def person_name(self) -> NounPhrase:
        """A first name, or a first name and a surname (one PER span), the same on both sides."""
        name = self.pick(lexicon.PERSON_NAMES)
        if self.chance(0.3):
            name += " " + self.pick(lexicon.SURNAMES)
        words = entity_tokens(name, "PER", next(self.serials))
        return NounPhrase(name, None, "sg", "name", name=(words, words), classes=frozenset({"person"}))

    def place_name(self) -> NounPhrase:
        english, german = self.pick(lexicon.PLACES)
        serial = next(self.serials)
        return NounPhrase(english, None, "sg", "name", classes=frozenset({"place"}),
                          name=(entity_tokens(english, "LOC", serial), entity_tokens(german, "LOC", serial)))

    def organisation_pp(self) -> tuple[list[Token], list[Token]]:
        """at Siemens / bei Siemens, at the Red Cross / beim Roten Kreuz (the span without the article)."""
        en_article, english, de_prep, de_article, german = self.pick(lexicon.ORGANISATIONS)
        serial = next(self.serials)
        en = [("at", None)] + ([(en_article, None)] if en_article else []) + entity_tokens(english, "ORG", serial)
        contracted = lexicon.CONTRACTIONS.get((de_prep, de_article))
        head = [(contracted, None)] if contracted else [(de_prep, None)] + ([(de_article, None)] if de_article else [])
        return en, head + entity_tokens(german, "ORG", serial)

    def prepositional_phrase(self, kind: str) -> tuple[list[Token], list[Token]]:
        options = [p for p in lexicon.PREPOSITIONS if p[4] == kind]
        en_prep, de_prep, case, classes, _ = self.pick(options)
        if kind == "place" and self.chance(0.1):
            return self.organisation_pp()
        if kind in ("place", "direction") and self.chance(0.25):
            place = self.place_name()
            if kind == "direction":
                return [("to", None)] + place.english(), [("nach", None)] + place.german("dat")
            return [("in", None)] + place.english(), [("in", None)] + place.german("dat")
        np = self.noun_phrase(classes, in_pp=True, allow_name=(kind == "with"))
        de = np.german(case)
        contracted = lexicon.CONTRACTIONS.get((de_prep, de[0][0]))
        de = [(contracted, None)] + de[1:] if contracted else [(de_prep, None)] + de
        return [(w, None) for w in en_prep.split()] + np.english(), de

    def time_adverbial(self, tense: str) -> tuple[list[Token], list[Token]] | None:
        roll = self.rng.random()
        if roll < 0.15:
            en_day, de_day = self.pick(lexicon.WEEKDAYS)
            return [("on", None), (en_day, None)], [("am", None), (de_day, None)]
        if roll < 0.25:
            hour = str(self.rng.randint(1, 12))
            return ([("at", None), (hour, None), ("o'clock", None)],
                    [("um", None), (hour, None), ("Uhr", None)])
        fitting = [t for t in lexicon.TIME_ADVERBS if tense in t[2]]
        en_options, de_options, _ = self.pick(fitting)
        return ([(w, None) for w in self.pick(en_options).split()],
                [(w, None) for w in self.pick(de_options).split()])


# --- Clauses -----------------------------------------------------------------------

PRONOUNS = [  # English, German options (word, person), English agreement
    ("I", [("ich", 0)], "I"),
    ("you", [("du", 1), ("ihr", 4), ("Sie", 5)], "plural"),
    ("he", [("er", 2)], "3sg"),
    ("she", [("sie", 2)], "3sg"),
    ("we", [("wir", 3)], "plural"),
    ("they", [("sie", 5)], "plural"),
]


@dataclass
class Subject:
    english: list
    german: list
    person: int  # German person index
    agreement: str  # English: "I", "3sg" or "plural"
    classes: frozenset


@dataclass
class Clause:
    subject: Subject
    verb: Verb | None  # None: copula with a predicative adjective
    en_verb: EnglishVerb | None
    de_verb: GermanVerb
    tense: str
    obj: NounPhrase | None = None
    obj_case: str = "acc"
    predicate: tuple | None = None  # (english, german) adjective
    complement: Clause | None = None  # that-clause of say-verbs
    complementizer: tuple = ("that", "dass")
    companion_pps: list = field(default_factory=list)
    place_pps: list = field(default_factory=list)
    direction_pp: tuple | None = None
    time: tuple | None = None
    negated: bool = False
    negate_object: bool = False  # German kein on an indefinite object
    english_no: bool = False  # English "sees no dog" instead of "does not see a dog"

    # German -------------------------------------------------------------------
    def german_verbs(self) -> tuple[str, list[str]]:
        """Finite verb and the clause-final non-finite part."""
        if self.tense == "present":
            return self.de_verb.present(self.subject.person), []
        if self.tense == "past":
            return self.de_verb.past(self.subject.person), []
        aux = AUXILIARIES[self.de_verb.auxiliary]
        return aux.present(self.subject.person), [self.de_verb.participle]

    def german_middle(self, *, include_subject: bool, include_time: bool,
                      include_place: bool = True) -> list[Token]:
        words = list(self.subject.german) if include_subject else []
        if include_time and self.time:
            words += self.time[1]
        if self.obj is not None:
            words += self.obj.german(self.obj_case, negative=self.negate_object)
        for pp in self.companion_pps:
            words += pp[1]
        if include_place:
            for pp in self.place_pps:
                words += pp[1]
        if self.negated and not self.negate_object:
            words.append(("nicht", None))
        if self.predicate:
            words.append((self.predicate[1], None))
        if self.direction_pp:
            words += self.direction_pp[1]
        return words

    def german_complement(self) -> list[Token]:
        if not self.complement:
            return []
        return [(",", None), (self.complementizer[1], None)] + self.complement.german_subordinate()

    def german_main(self, front: str = "subject") -> list[Token]:
        finite, rest = self.german_verbs()
        front_words = self.subject.german if front == "subject" else self.time[1]
        middle = self.german_middle(include_subject=front != "subject", include_time=front != "time")
        return front_words + [(finite, None)] + middle + [(w, None) for w in rest] + self.german_complement()

    def german_verb_first(self) -> list[Token]:
        """Verb-first order: yes/no questions and a main clause after a fronted clause."""
        finite, rest = self.german_verbs()
        middle = self.german_middle(include_subject=True, include_time=True)
        return [(finite, None)] + middle + [(w, None) for w in rest]

    def german_wh_question(self, wh: str) -> list[Token]:
        finite, rest = self.german_verbs()
        middle = self.german_middle(include_subject=True, include_time=wh != "Wann",
                                    include_place=wh != "Wo")
        return [(wh, None), (finite, None)] + middle + [(w, None) for w in rest]

    def german_subordinate(self) -> list[Token]:
        finite, rest = self.german_verbs()
        middle = self.german_middle(include_subject=True, include_time=True)
        return middle + [(w, None) for w in rest] + [(finite, None)] + self.german_complement()

    # English ------------------------------------------------------------------
    def english_verbs(self, *, question: bool = False) -> tuple[str, list[str]]:
        """The finite word (fronted in questions) and the rest of the verb group."""
        agreement = self.subject.agreement
        negated = self.negated and not self.english_no
        if self.verb is None:  # copula
            if self.tense == "present":
                finite = {"I": "am", "3sg": "is"}.get(agreement, "are")
            elif self.tense == "past":
                finite = "was" if agreement in ("I", "3sg") else "were"
            else:
                finite = "has" if agreement == "3sg" else "have"
                return finite, (["not"] if negated else []) + ["been"]
            return finite, ["not"] if negated else []
        verb = self.en_verb
        if self.tense == "perfect":
            finite = "has" if agreement == "3sg" else "have"
            return finite, (["not"] if negated else []) + [verb.participle]
        if negated or question:
            if self.tense == "past":
                aux = "did"
            else:
                aux = "does" if agreement == "3sg" else "do"
            return aux, (["not"] if negated else []) + [verb.base]
        if self.tense == "past":
            return verb.past, []
        return (verb.third if agreement == "3sg" else verb.base), []

    def english_after_verb(self, *, include_time: bool = True, include_place: bool = True) -> list[Token]:
        words = []
        if self.obj is not None:
            words += self.obj.english(negative=self.english_no)
        if self.predicate:
            words.append((self.predicate[0], None))
        if self.direction_pp:
            words += self.direction_pp[0]
        for pp in self.companion_pps:
            words += pp[0]
        if include_place:
            for pp in self.place_pps:
                words += pp[0]
        if include_time and self.time:
            words += self.time[0]
        if self.complement:
            words += [(self.complementizer[0], None)] + self.complement.english_declarative()
        return words

    def english_declarative(self, front: str = "subject") -> list[Token]:
        finite, rest = self.english_verbs()
        verb_words = [(w, None) for w in [finite] + rest]
        if front == "time":
            return self.time[0] + self.subject.english + verb_words + self.english_after_verb(include_time=False)
        return self.subject.english + verb_words + self.english_after_verb()

    def english_question(self, wh: str | None = None) -> list[Token]:
        finite, rest = self.english_verbs(question=True)
        head = [(wh, None)] if wh else []
        return (head + [(finite, None)] + self.subject.english + [(w, None) for w in rest]
                + self.english_after_verb(include_time=wh != "When", include_place=wh != "Where"))


# --- Sentence assembly --------------------------------------------------------------

@dataclass
class SentencePair:
    english: list
    german: list
    kind: str
    meta: dict = field(default_factory=dict)  # room for labels: polarity, topic ...

    @property
    def source(self) -> str:
        return render(self.english)

    @property
    def target(self) -> str:
        return render(self.german)

    def tagged(self, side: str) -> tuple[list[str], list[str]]:
        """The words of one side ("en" / "de") with their BIO entity tags; the words are those
        ``data.tagged.split_words`` finds in ``source`` / ``target``."""
        words, tags, _ = word_tags(self.english if side == "en" else self.german)
        return words, tags

    def entity_alignment(self) -> list[dict]:
        """Each entity's type and word positions on both sides: the gold alignment of its span."""
        _, en_tags, en_serials = word_tags(self.english)
        _, _, de_serials = word_tags(self.german)
        entities = []
        for serial in dict.fromkeys(s for s in en_serials if s is not None):
            first = en_serials.index(serial)
            entities.append({"type": en_tags[first][2:],
                             "en": [i for i, s in enumerate(en_serials) if s == serial],
                             "de": [i for i, s in enumerate(de_serials) if s == serial]})
        return entities


def word_tags(tokens: list[Token]) -> tuple[list[str], list[str], list[int | None]]:
    """Words (a token of several words, "right now", is split), BIO tags and entity serials."""
    words, tags, serials = [], [], []
    for text, tag in tokens:
        for i, word in enumerate(text.split()):
            words.append(word)
            if tag is None:
                tags.append("O")
                serials.append(None)
            else:
                label, serial = tag
                tags.append(label if i == 0 else "I-" + label[2:])
                serials.append(serial)
    if words:
        words[0] = words[0][:1].upper() + words[0][1:]
    return words, tags, serials


def render(tokens: list[Token]) -> str:
    text = ""
    for word, _tag in tokens:
        if word in (",", ".", "?") or not text:
            text += word
        else:
            text += " " + word
    return text[:1].upper() + text[1:]


class SentenceGenerator(Generator):
    """Draws whole sentence pairs of several kinds (see ``KINDS``)."""

    KINDS = {"main": 35, "question": 15, "main_sub": 18, "sub_main": 10, "say": 10, "coordination": 12,
             "opinion": 20}
    SENTIMENTS = ("negative", "neutral", "positive")  # label order: polarity −1, 0, +1
    TOPICS = tuple(lexicon.TOPICS)
    OPINION_FORMS = {"single": 50, "but": 20, "although_front": 15, "although_back": 15}

    def subject(self, classes) -> Subject:
        roll = self.rng.random()
        if roll < 0.25:
            en, de_options, agreement = self.pick(PRONOUNS)
            de, person = self.pick(de_options)
            return Subject([(en, None)], [(de, None)], person, agreement, frozenset({"person"}))
        np = self.noun_phrase(classes)
        return Subject(np.english(), np.german("nom"), np.person,
                       "3sg" if np.number == "sg" else "plural", np.classes)

    def clause(self, *, tenses=("present", "past", "perfect"), allow_say: bool = False,
               allow_negation: bool = True) -> Clause:
        tense = self.weighted({t: w for t, w in {"present": 45, "past": 25, "perfect": 30}.items()
                               if t in tenses})
        frames = {"intr": 15, "motion": 12, "tr": 40, "dat": 6, "copula": 15}
        if allow_say:
            frames["say"] = 12
        frame = self.weighted(frames)
        if frame == "copula":
            subject = self.subject({"animate", "object"} if self.chance(0.3) else {"animate"})
            fitting = [a for a in self.adjectives if a.fits(subject.classes)]
            adjective = self.pick(fitting)
            clause = Clause(subject, None, None, SEIN, tense,
                            predicate=(self.pick(adjective.english), self.pick(adjective.german)[0]))
        else:
            verb = self.pick(self.verbs_by_frame[frame])
            en_verb, de_verb = self.pick(verb.english), self.pick(verb.german)
            clause = Clause(self.subject(verb.subject_classes), verb, en_verb, de_verb, tense)
            if frame in ("tr", "dat"):
                clause.obj = self.noun_phrase(verb.object_classes)
                clause.obj_case = "acc" if frame == "tr" else "dat"
            if frame == "motion" and self.chance(0.7):
                clause.direction_pp = self.prepositional_phrase("direction")
            if frame == "say":
                clause.complement = self.clause(tenses=tenses)
            if verb.concept == "work" and self.chance(0.4):
                clause.place_pps.append(self.organisation_pp())
        if frame != "say":
            if self.chance(0.2):
                clause.companion_pps.append(self.prepositional_phrase("with"))
            if frame != "copula" and not clause.place_pps and self.chance(0.35):
                clause.place_pps.append(self.prepositional_phrase("place"))
        if self.chance(0.35):
            clause.time = self.time_adverbial(tense)
        if allow_negation and self.chance(0.2):
            clause.negated = True
            if clause.obj is not None and clause.obj.indefinite and clause.obj_case == "acc":
                clause.negate_object = True
                clause.english_no = self.chance(0.5)
            elif clause.obj is not None and clause.obj.determiner == "num":
                clause.negated = False  # "nicht 3 Hunde" reads as contrastive; keep it simple
        return clause

    def subordinate(self) -> tuple[tuple, Clause]:
        en_options, de_options, tenses = self.pick(lexicon.SUBORDINATORS)
        return (self.pick(en_options), self.pick(de_options)), self.clause(tenses=tuple(tenses))

    def sentence(self) -> SentencePair:
        kind = self.weighted(self.KINDS)
        if kind == "main":
            clause = self.clause()
            front = "time" if clause.time and self.chance(0.4) else "subject"
            en = clause.english_declarative(front) + [(".", None)]
            de = clause.german_main(front) + [(".", None)]
        elif kind == "question":
            clause = self.clause(allow_negation=False)
            wh_options = [(None, None), ("Why", "Warum")]
            if not clause.place_pps:
                wh_options.append(("Where", "Wo"))
            if not clause.time:
                wh_options.append(("When", "Wann"))
            en_wh, de_wh = self.pick(wh_options) if self.chance(0.4) else (None, None)
            en = clause.english_question(en_wh) + [("?", None)]
            de = (clause.german_wh_question(de_wh) if de_wh else clause.german_verb_first()) + [("?", None)]
        elif kind == "say":
            clause = self.clause(allow_say=True)
            while clause.complement is None:
                clause = self.clause(allow_say=True)
            en = clause.english_declarative() + [(".", None)]
            de = clause.german_main() + [(".", None)]
        elif kind == "main_sub":
            main = self.clause()
            (en_sub, de_sub), sub = self.subordinate()
            en = main.english_declarative() + [(en_sub, None)] + sub.english_declarative() + [(".", None)]
            de = (main.german_main() + [(",", None), (de_sub, None)] + sub.german_subordinate()
                  + [(".", None)])
        elif kind == "sub_main":
            (en_sub, de_sub), sub = self.subordinate()
            main = self.clause()
            en = ([(en_sub, None)] + sub.english_declarative() + [(",", None)]
                  + main.english_declarative() + [(".", None)])
            de = ([(de_sub, None)] + sub.german_subordinate() + [(",", None)]
                  + main.german_verb_first() + [(".", None)])
        elif kind == "opinion":
            return self.opinion()
        else:  # coordination
            first, second = self.clause(), self.clause()
            if self.chance(0.6):
                en_conj, de_conj = [("and", None)], [("und", None)]
            else:
                en_conj, de_conj = [(",", None), ("but", None)], [(",", None), ("aber", None)]
            en = first.english_declarative() + en_conj + second.english_declarative() + [(".", None)]
            de = first.german_main() + de_conj + second.german_main() + [(".", None)]
        return SentencePair(en, de, kind)

    # Opinion sentences: one sentiment and one topic label, the same on both sides --------------
    def opinion(self, sentiment: str | None = None, topic: str | None = None) -> SentencePair:
        """A sentence that evaluates something of one topic. The sentiment is compositional:
        one evaluative word (adjective, verb or manner adverb) gives the polarity, negation
        flips it (*nicht* / *kein* in German, *not* / do-support in English), and in a
        contrastive sentence the main clause decides (*A, but B* and *although A, B*: B).
        Neutral sentences carry no evaluative word at all (every noun phrase is neutral)."""
        sentiment = sentiment or self.weighted({"positive": 2, "negative": 2, "neutral": 1})
        topic = topic or self.pick(self.TOPICS)
        polarity = self.SENTIMENTS.index(sentiment) - 1
        form = "single" if polarity == 0 else self.weighted(self.OPINION_FORMS)
        main = self.opinion_clause(topic, polarity)
        if form == "single":
            front = "time" if main.time and self.chance(0.4) else "subject"
            en = main.english_declarative(front) + [(".", None)]
            de = main.german_main(front) + [(".", None)]
        else:
            other = self.opinion_clause(topic, -polarity)  # the clause that does not decide
            if form == "but":
                en = other.english_declarative() + [(",", None), ("but", None)] + main.english_declarative()
                de = other.german_main() + [(",", None), ("aber", None)] + main.german_main()
            else:
                en_although = self.pick(["although", "even though"])
                if form == "although_front":
                    en = ([(en_although, None)] + other.english_declarative() + [(",", None)]
                          + main.english_declarative())
                    de = ([("obwohl", None)] + other.german_subordinate() + [(",", None)]
                          + main.german_verb_first())
                else:
                    en = main.english_declarative() + [(en_although, None)] + other.english_declarative()
                    de = main.german_main() + [(",", None), ("obwohl", None)] + other.german_subordinate()
            en, de = en + [(".", None)], de + [(".", None)]
        return SentencePair(en, de, "opinion", {"sentiment": sentiment, "topic": topic, "form": form})

    def opinion_clause(self, topic: str, polarity: int) -> Clause:
        """A clause about a noun of ``topic`` whose sentiment is ``polarity`` (−1, 0, +1)."""
        topic_nouns = [n for n in self.nouns if n.concept in lexicon.TOPICS[topic].split()]
        target = self.pick(topic_nouns)
        negated = self.chance(0.3)
        word_polarity = -polarity if negated else polarity  # negation flips the evaluative word
        tense = self.weighted({"present": 45, "past": 30, "perfect": 25})
        manner_verbs = [v for v in self.verbs
                        if v.concept in lexicon.MANNER_VERBS and target.classes & v.object_classes]
        form = self.weighted({"copula": 4, "verb": 3, "manner": 2 if manner_verbs else 0})
        if form == "copula":
            np = self.noun_phrase(target.classes, allow_name=False, noun=target, neutral=True)
            subject = Subject(np.english(), np.german("nom"), np.person,
                              "3sg" if np.number == "sg" else "plural", np.classes)
            adjective = self.pick([a for a in self.adjectives
                                   if a.polarity == word_polarity and a.fits(target.classes)])
            clause = Clause(subject, None, None, SEIN, tense,
                            predicate=(self.pick(adjective.english), self.pick(adjective.german)[0]))
        else:
            if form == "verb" and word_polarity:
                verb = self.pick([v for v in self.verbs if lexicon.VERB_POLARITY.get(v.concept) == word_polarity])
            elif form == "verb":  # a neutral transitive verb that takes the noun ("any" takes objects)
                verb = self.pick([v for v in self.verbs_by_frame["tr"] if v.concept not in lexicon.VERB_POLARITY
                                  and target.classes & self.object_classes(v)])
            else:
                verb = self.pick(manner_verbs)
            subject = self.opinion_subject()
            # "clean" the verb would read as "clean" the adjective: the evaluation stays in one word
            polar_adjectives = {form for a in self.adjectives if a.polarity for form in a.english}
            english = [e for e in verb.english if e.base not in polar_adjectives] or list(verb.english)
            clause = Clause(subject, verb, self.pick(english), self.pick(verb.german), tense)
            clause.obj = self.noun_phrase(target.classes, allow_name=False, noun=target, neutral=True)
            if form == "manner" and word_polarity:
                en_adverbs, de_adverbs, _ = self.pick([a for a in lexicon.MANNER_ADVERBS if a[2] == word_polarity])
                clause.predicate = (self.pick(en_adverbs), self.pick(de_adverbs))
        if self.chance(0.3):
            clause.time = self.time_adverbial(tense)
        if negated:
            clause.negated = True
            clause.negate_object = (clause.obj is not None and clause.obj.indefinite and clause.predicate is None)
        return clause

    @staticmethod
    def object_classes(verb: Verb) -> frozenset:
        return verb.object_classes | ({"object", "animal"} if "any" in verb.object_classes else set())

    def opinion_subject(self) -> Subject:
        """Who holds the opinion: a pronoun or a person, never evaluated themselves."""
        if self.chance(0.4):
            en, de_options, agreement = self.pick(PRONOUNS)
            de, person = self.pick(de_options)
            return Subject([(en, None)], [(de, None)], person, agreement, frozenset({"person"}))
        np = self.noun_phrase({"person"}, neutral=True)
        return Subject(np.english(), np.german("nom"), np.person, "3sg" if np.number == "sg" else "plural",
                       np.classes)
