"""Corpora in and out: the built-in grammar corpus, sources, cleaning, text files, the vocabulary."""
