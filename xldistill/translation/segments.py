"""Texts longer than a sentence through a sentence-level translation model.

The pipeline's translation models are trained on sentence pairs and see at most
``max_positions`` pieces: a 150-word review given whole comes back as the translation of its
first ``max_positions`` (128) pieces. ``translate_texts`` splits each text into sentences (pysbd's rules for
the language), cuts any sentence still longer than ``max_words`` words into chunks, translates
every piece in one call and joins each text's pieces again. A one-sentence text (single-spaced,
at most ``max_words`` words) is one piece, so sentence-sized inputs translate exactly as whole.
"""

from __future__ import annotations

import pysbd
from pysbd.languages import LANGUAGE_CODES

# A chunk of 60 words is about 80-120 pieces at the pipeline's vocabulary sizes: inside the
# 128 positions of the default models.
MAX_WORDS = 60


def segmenter(lang: str) -> pysbd.Segmenter:
    """pysbd's sentence rules for ``lang``; English rules (punctuation and abbreviations) for a
    language pysbd has none for."""
    return pysbd.Segmenter(language=lang if lang in LANGUAGE_CODES else "en", clean=False)


def split_text(text: str, sentences: pysbd.Segmenter, max_words: int = MAX_WORDS) -> list[str]:
    """``text`` as sentences of at most ``max_words`` words each, in order (one piece if it is empty)."""
    pieces = []
    for sentence in sentences.segment(text):
        words = sentence.split()
        pieces.extend(" ".join(words[i:i + max_words]) for i in range(0, len(words), max_words))
    return pieces or [text.strip()]


def translate_texts(engine, texts: list[str], *, lang: str, beam: int, max_length: int, batch_size: int = 32,
                    max_words: int = MAX_WORDS) -> list[str]:
    """Each of ``texts`` (in language ``lang``) translated sentence by sentence with ``engine``
    (an ``xldistill.translation.engines.Engine``), the sentences' translations joined by spaces."""
    sentences = segmenter(lang)
    split = [split_text(text, sentences, max_words) for text in texts]
    translated = iter(engine.translate([piece for pieces in split for piece in pieces], beam=beam,
                                       max_length=max_length, batch_size=batch_size))
    return [" ".join(next(translated) for _ in pieces) for pieces in split]
