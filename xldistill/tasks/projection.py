"""Carry English entity tags to German words through word alignments.

Aligners (``ner.project.aligner``):
- ``ibm1``: IBM Model 1 with fast_align's diagonal prior, both directions, symmetrised
  with grow-diag-final-and; EM without sampling, so deterministic.
- ``attention``: the translation teacher's cross-attention, forced-decoding the German
  side (averaged over layers and heads, summed over a word's sub-words); deterministic.
- ``eflomal`` (PyPI): a Bayesian IBM-style aligner over the whole corpus, symmetrised
  with grow-diag-final-and. It seeds itself from /dev/urandom, so two runs differ.
bench/ner_alignment.py scores both on the built-in corpus's gold entity alignments.

The projection rule, per English span the teacher found (its argmax tags):
1. its German image is every German word linked to one of its words;
2. an empty image (the entity was not aligned), an image with a gap of more than
   ``max_gap`` words, or two images that overlap drop the sentence: a German entity left
   untagged would teach the student that it is not one;
3. a gap of up to ``max_gap`` words is filled (the span is the image's contiguous hull);
   an image that covers only some of the English words (Technical University of Munich →
   Technischen Universität München aligned in part) is kept as its hull.
The German words of an image get B-type (first) and I-type; all others O.
Soft targets per German word: the type distribution of its linked English words (their
mean), B/I folded to the word's position in its span; an unlinked word outside every span
is O with certainty.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import torch

from xldistill.data.tagged import spans
from xldistill.errors import XldistillError

Links = set  # {(english word, german word), ...}


# --- aligners ------------------------------------------------------------------------

@torch.inference_mode()
def attention_links(model, tokenizer, english: list[list[str]], german: list[list[str]], *,
                    batch_size: int = 32) -> list[Links]:
    """Each German word linked to the English word it attends to most, and each English word
    to the German word that attends to it most (the union of the two argmax directions)."""
    from xldistill.translation.task import collate, encode_pairs

    model.eval()
    model.set_attn_implementation("eager")  # the fused kernels return no attention weights
    device = next(model.parameters()).device
    src_ids, tgt_ids = encode_pairs(tokenizer, [" ".join(w) for w in english], [" ".join(w) for w in german],
                                    model.config.max_position_embeddings)
    links: list = [None] * len(english)
    order = sorted(range(len(english)), key=lambda i: len(src_ids[i]) + len(tgt_ids[i]))
    for start in range(0, len(order), batch_size):
        index = order[start:start + batch_size]
        batch = collate(index, src_ids, tgt_ids, tokenizer.pad_token_id, device)
        out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                    decoder_input_ids=batch["decoder_input_ids"], output_attentions=True)
        attention = torch.stack(out.cross_attentions).float().mean(dim=(0, 2)).cpu()  # [batch, tgt, src]
        for row, i in enumerate(index):
            src_words = piece_words(tokenizer.convert_ids_to_tokens(src_ids[i]))
            tgt_words = piece_words(tokenizer.convert_ids_to_tokens(tgt_ids[i]))
            links[i] = argmax_links(word_matrix(attention[row], tgt_words, src_words, len(german[i]),
                                                len(english[i])))
    return links


def piece_words(pieces: list[str]) -> list[int | None]:
    """The word of each SentencePiece piece ("▁" starts a word); None for special tokens."""
    out, word = [], -1
    for piece in pieces:
        if piece in ("</s>", "<pad>"):
            out.append(None)
            continue
        if piece.startswith("▁"):
            word += 1
        out.append(max(word, 0))
    return out


def word_matrix(attention: torch.Tensor, tgt_words: list, src_words: list, n_tgt: int, n_src: int) -> np.ndarray:
    """[German words, English words]: a German word's mean over its pieces of the attention
    summed over each English word's pieces."""
    tgt_index = np.array([w if w is not None and w < n_tgt else -1 for w in tgt_words])
    src_index = np.array([w if w is not None and w < n_src else -1 for w in src_words])
    att = attention[:len(tgt_index), :len(src_index)].numpy()
    matrix = np.zeros((n_tgt, n_src), dtype=np.float32)
    counts = np.zeros(n_tgt, dtype=np.float32)
    for t, j in enumerate(tgt_index):
        if j < 0:
            continue
        counts[j] += 1
        for s, i in enumerate(src_index):
            if i >= 0:
                matrix[j, i] += att[t, s]
    return matrix / np.maximum(counts, 1)[:, None]


def argmax_links(matrix: np.ndarray) -> Links:
    if matrix.size == 0:
        return set()
    links = {(int(i), j) for j, i in enumerate(matrix.argmax(1))}
    links |= {(i, int(j)) for i, j in enumerate(matrix.argmax(0))}
    return links


def ibm1_links(english: list[list[str]], german: list[list[str]], *, iterations: int = 5,
               diagonal: float = 4.0, null_prob: float = 0.08) -> list[Links]:
    """IBM Model 1 with fast_align's diagonal prior (Dyer et al. 2013) in both directions over all
    pairs at once (lowercased words), Viterbi links, grow-diag-final-and. EM from uniform
    translation tables, no sampling: the same pairs give the same links."""
    src = [[w.lower() for w in words] for words in english]
    tgt = [[w.lower() for w in words] for words in german]
    forward = _ibm1_viterbi(src, tgt, iterations, diagonal, null_prob)
    reverse = _ibm1_viterbi(tgt, src, iterations, diagonal, null_prob)
    return [grow_diag_final_and(f, {(i, j) for j, i in r}, len(e), len(g))
            for f, r, e, g in zip(forward, reverse, english, german)]


def _ibm1_viterbi(src: list[list[str]], tgt: list[list[str]], iterations: int, diagonal: float,
                  null_prob: float) -> list[Links]:
    """Links (source word, target word) of p(target | source): every target word takes its most
    probable source word (or none, for NULL). One block of (1 + source length) entries per target
    word, all sentences flattened, so each EM step is a few numpy calls."""
    vocab_src = {w: k + 1 for k, w in enumerate(sorted({w for s in src for w in s}))}  # 0 is NULL
    vocab_tgt = {w: k for k, w in enumerate(sorted({w for s in tgt for w in s}))}
    keys, priors, blocks = [], [], []
    for s, t in zip(src, tgt):
        m, n = len(s), len(t)
        s_ids = np.array([0] + [vocab_src[w] for w in s], dtype=np.int64)
        position = np.arange(1, m + 1) / max(m, 1)
        for j, word in enumerate(t):
            keys.append(s_ids * len(vocab_tgt) + vocab_tgt[word])
            closeness = np.exp(-diagonal * np.abs(position - (j + 1) / max(n, 1)))
            priors.append(np.concatenate([[null_prob], (1 - null_prob) * closeness / closeness.sum()]))
            blocks.append(m + 1)
    if not keys:
        return [set() for _ in src]
    pair_keys, flat = np.unique(np.concatenate(keys), return_inverse=True)
    prior = np.concatenate(priors)
    starts = np.concatenate([[0], np.cumsum(blocks)[:-1]])
    pair_src = pair_keys // len(vocab_tgt)
    table = np.ones(len(pair_keys))
    for _ in range(iterations):
        score = table[flat] * prior
        posterior = score / np.repeat(np.add.reduceat(score, starts), blocks)
        counts = np.bincount(flat, weights=posterior, minlength=len(pair_keys))
        table = counts / np.bincount(pair_src, weights=counts)[pair_src]
    score = table[flat] * prior
    links, row = [], 0
    for s, t in zip(src, tgt):
        sentence = set()
        for j in range(len(t)):
            start, width = starts[row], blocks[row]
            best = int(np.argmax(score[start:start + width]))
            if best:  # 0 is NULL
                sentence.add((best - 1, j))
            row += 1
        links.append(sentence)
    return links


def eflomal_links(english: list[list[str]], german: list[list[str]]) -> list[Links]:
    """eflomal over all pairs at once (lowercased words), grow-diag-final-and."""
    try:
        from eflomal import Aligner
    except ImportError:
        raise XldistillError("params.yaml: ner.project.aligner = eflomal needs the eflomal package "
                             "(pip install eflomal)") from None
    with tempfile.TemporaryDirectory() as tmp:
        forward, reverse = Path(tmp) / "forward", Path(tmp) / "reverse"
        Aligner().align([" ".join(w).lower() for w in english], [" ".join(w).lower() for w in german],
                        links_filename_fwd=str(forward), links_filename_rev=str(reverse))
        pairs = zip(forward.read_text().splitlines(), reverse.read_text().splitlines())
        return [grow_diag_final_and(_pharaoh(f), _pharaoh(r), len(e), len(g))
                for (f, r), e, g in zip(pairs, english, german)]


def _pharaoh(line: str) -> Links:
    return {tuple(map(int, link.split("-"))) for link in line.split()}


def grow_diag_final_and(forward: Links, reverse: Links, n_src: int, n_tgt: int) -> Links:
    """The standard symmetrisation (Koehn et al. 2003): the intersection, grown by neighbours
    (diagonals included) in the union, then unaligned words linked where both directions agree
    on one side."""
    union, links = forward | reverse, forward & reverse
    neighbours = [(-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)]
    added = True
    while added:
        added = False
        for i, j in sorted(links):
            for di, dj in neighbours:
                new = (i + di, j + dj)
                if new in union and new not in links and (
                        all(link[0] != new[0] for link in links) or all(link[1] != new[1] for link in links)):
                    links.add(new)
                    added = True
    for directed in (forward, reverse):
        for i, j in sorted(directed):
            if all(link[0] != i for link in links) and all(link[1] != j for link in links):
                links.add((i, j))
    return {(i, j) for i, j in links if i < n_src and j < n_tgt}


def align(aligner: str, english: list[list[str]], german: list[list[str]], *, model=None,
          tokenizer=None) -> list[Links]:
    if aligner == "attention":
        return attention_links(model, tokenizer, english, german)
    if aligner == "ibm1":
        return ibm1_links(english, german)
    if aligner == "eflomal":
        return eflomal_links(english, german)
    raise XldistillError(f"params.yaml: ner.project.aligner = {aligner!r}: ibm1, attention or eflomal")


# --- projection ---------------------------------------------------------------------------

def project_spans(english_spans: list[tuple[str, int, int]], links: Links, n_german: int,
                  max_gap: int) -> tuple[list[tuple[str, int, int]] | None, str]:
    """German spans of the English ones, or None and the rule that dropped the sentence."""
    projected, taken = [], set()
    for kind, start, end in english_spans:
        image = sorted({j for i, j in links if start <= i < end and j < n_german})
        if not image:
            return None, "unaligned"
        if image[-1] - image[0] + 1 - len(image) > max_gap:
            return None, "gap"
        hull = set(range(image[0], image[-1] + 1))
        if hull & taken:
            return None, "overlap"
        taken |= hull
        projected.append((kind, image[0], image[-1] + 1))
    return projected, "kept"


def tags_of(spans_: list[tuple[str, int, int]], n_words: int) -> list[str]:
    tags = ["O"] * n_words
    for kind, start, end in spans_:
        tags[start:end] = [f"B-{kind}"] + [f"I-{kind}"] * (end - start - 1)
    return tags


def soft_targets(english_probs: np.ndarray, links: Links, german_tags: list[str], labels: list[str]) -> np.ndarray:
    """[German words, labels]: see the module docstring."""
    index = {label: k for k, label in enumerate(labels)}
    types = sorted({label[2:] for label in labels if label != "O"})
    out = np.zeros((len(german_tags), len(labels)), dtype=np.float32)
    linked: dict[int, list[int]] = {}
    for i, j in links:
        if j < len(german_tags):
            linked.setdefault(j, []).append(i)
    for j, tag in enumerate(german_tags):
        if j not in linked:
            out[j, index[tag]] = 1.0  # unlinked: its projected tag (O outside every span)
            continue
        mean = english_probs[sorted(linked[j])].mean(0)
        prefix = "I" if tag.startswith("I-") else "B"
        out[j, 0] = mean[index["O"]]
        for kind in types:
            out[j, index[f"{prefix}-{kind}"]] = mean[index[f"B-{kind}"]] + mean[index[f"I-{kind}"]]
    return out


def project(english_tags: list[str], english_probs: np.ndarray | None, links: Links, n_german: int,
            labels: list[str], max_gap: int) -> tuple[list[str] | None, np.ndarray | None, str]:
    """German tags (None when the sentence is dropped), their soft targets, and the rule applied."""
    projected, rule = project_spans(spans(english_tags), links, n_german, max_gap)
    if projected is None:
        return None, None, rule
    tags = tags_of(projected, n_german)
    soft = soft_targets(english_probs, links, tags, labels) if english_probs is not None else None
    return tags, soft, rule


# --- alignment quality on gold entity alignments ---------------------------------------------

def alignment_quality(records: list[dict], links: list[Links], max_gap: int) -> dict:
    """How well the aligner carries entities: precision / recall / F1 of the German words linked to
    a gold entity's English words against its gold German words, the share of entities whose German image is exactly the gold span, and
    seqeval F1 of the gold English tags projected by the rule against the gold German tags."""
    from seqeval.metrics import f1_score

    correct = found = gold_links = exact = entities = 0
    gold_tags, projected_tags = [], []
    for record, sentence_links in zip(records, links):
        for entity in record["entities"]:
            image = {j for i, j in sentence_links if i in set(entity["en"])}
            correct += len(image & set(entity["de"]))
            found += len(image)
            gold_links += len(entity["de"])
            exact += sorted(image) == sorted(entity["de"])
            entities += 1
        tags, _, _ = project(record["en_tags"], None, sentence_links, len(record["de"]), [], max_gap)
        gold_tags.append(record["de_tags"])
        projected_tags.append(tags or ["O"] * len(record["de"]))
    precision = correct / found if found else 0.0
    recall = correct / gold_links if gold_links else 0.0
    return {"entities": entities, "word_precision": round(100 * precision, 2), "word_recall": round(100 * recall, 2),
            "word_f1": round(100 * 2 * precision * recall / (precision + recall), 2) if correct else 0.0,
            "exact_image": round(100 * exact / entities, 2) if entities else 0.0,
            "projection_f1": round(100 * float(f1_score(gold_tags, projected_tags, zero_division=0)), 2)}
