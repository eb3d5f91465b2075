"""Long texts through a sentence-level translation model: split, translate every piece, join in order."""

from xldistill.translation.segments import segmenter, split_text, translate_texts


class RecordingEngine:
    """Stands in for an Engine: remembers what it was given and 'translates' by upper-casing."""

    def __init__(self):
        self.calls = []

    def translate(self, sentences, *, beam, max_length, batch_size=32):
        self.calls.append(list(sentences))
        return [s.upper() for s in sentences]


REVIEW_DE = ("Ein tolles Buch. Ich habe es in zwei Tagen gelesen, z. B. im Zug! "
             "Leider ist das Ende schwach. Trotzdem: fünf Sterne.")


def test_split_text_gives_sentences_and_keeps_abbreviations_together():
    assert split_text(REVIEW_DE, segmenter("de")) == [
        "Ein tolles Buch.", "Ich habe es in zwei Tagen gelesen, z. B. im Zug!",
        "Leider ist das Ende schwach.", "Trotzdem: fünf Sterne."]


def test_a_sentence_longer_than_max_words_is_cut_into_chunks():
    words = [f"w{i}" for i in range(25)]
    pieces = split_text(" ".join(words) + ".", segmenter("en"), max_words=10)
    assert [len(p.split()) for p in pieces] == [10, 10, 5]
    assert " ".join(pieces) == " ".join(words) + "."


def test_translate_texts_joins_each_texts_pieces_in_order():
    engine = RecordingEngine()
    texts = ["One sentence only.", "First one. Second one? Third one!", ""]
    out = translate_texts(engine, texts, lang="en", beam=2, max_length=64)
    assert engine.calls == [["One sentence only.", "First one.", "Second one?", "Third one!", ""]]  # one call
    assert out == ["ONE SENTENCE ONLY.", "FIRST ONE. SECOND ONE? THIRD ONE!", ""]


def test_sentence_sized_inputs_reach_the_engine_unchanged():
    engine = RecordingEngine()
    texts = ["The film was not good, but the music was wonderful.", "Although it rained, we loved the trip."]
    translate_texts(engine, texts, lang="en", beam=1, max_length=64)
    assert engine.calls == [texts]


def test_a_language_without_rules_falls_back_to_punctuation():
    assert split_text("Prima. Merge bine!", segmenter("ro")) == ["Prima.", "Merge bine!"]
