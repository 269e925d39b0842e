"""Explanations: the words of a sentence that drove a technique's score.

Every head of the model is a logistic regression, so a technique's log-odds is
its intercept plus, for every feature, coefficient times value.  The feature groups that come
from words are mapped back to character spans of the sentence:

* word and character n-grams: an n-gram's contribution is shared by the words it covers;
* word stems: a stem's contribution is shared by the words that have it;
* lexicon categories: a category's contribution is shared by the words that matched it;
* the static embedding: it is a mean of token vectors, so it splits exactly into one
  contribution per token.

Style and context features describe the whole sentence or its document, not words, so they
are left out of the evidence.  A word's contributions are summed; neighbouring words that
both push strongly towards the technique are joined into one phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from .features import MEASURES, SentenceInput
from .predictor import FeatureGroup, Predictor
from .results import Evidence
from .tokens import NGRAM_TOKEN, WORD_TOKEN, blank_side_names, word_stem

_PUNCTUATION = re.compile(r"[^\w\s]")
#: Words that carry no meaning on their own (articles, pronouns, prepositions, conjunctions,
#: auxiliaries, determiners, a few adverbs of degree and time): they may sit inside a phrase of
#: evidence but never make one.  Absolutes ("all", "every", "never", "everyone") are not among
#: them: they are what exaggeration and black-and-white claims are made of.
FUNCTION_WORDS = frozenset("""
a an the this that these those some any each either neither no both half
i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his
himself she her hers herself it its itself they them their theirs themselves one ones
who whom whose which what whatever whoever whichever
of in on at by for with from to into onto upon out over under above below between among
through during before after since until till about against along across around behind
beside besides beyond near off past per toward towards via within without amid despite
and or but nor so yet if then than because although though while whereas unless whether as
be am is are was were been being have has had having do does did doing done
will would shall should can could may might must ought
not n't also just only even still already again very too quite rather much many
more most less least few fewer such own same other another else here there where when why
how now thus hence therefore however moreover indeed perhaps
s t d ll m re ve
""".split())
# Words join a phrase when they carry at least this share of the sentence's strongest word.
_PHRASE_SHARE = 0.25


def explain_inputs(predictor: Predictor, inputs: Sequence[SentenceInput], technique_indices: Sequence[Sequence[int]],
                   top: int = 3, matrix: sparse.csr_matrix | None = None) -> list[dict[int, tuple[Evidence, ...]]]:
    """For each sentence, evidence for each requested technique (column index of the model).

    Evidence spans are offsets into the sentence text, strongest first, at most ``top`` per
    technique, and only words that push the score up (positive log-odds contribution).
    """
    if len(inputs) == 0:
        return []
    if matrix is None:  # scoring hands over the rows it built; other callers get them built here
        matrix = predictor.feature_matrix(inputs)
    coefficients = predictor.coef
    # A head fitted on one class has no weights, so its words carry no evidence: found once here,
    # not by scanning its weights again for every sentence.
    learned = np.asarray(coefficients != 0).max(axis=1, initial=False)
    out: list[dict[int, tuple[Evidence, ...]]] = []
    for row, (x, wanted) in enumerate(zip(inputs, technique_indices, strict=True)):
        explained: dict[int, tuple[Evidence, ...]] = {}
        if wanted:
            units = _word_units(x.text)
            values = matrix[row]
            for j in wanted:
                if not learned[1 + j]:  # row 0 is the any-technique head
                    explained[j] = ()
                    continue
                weights = _unit_weights(predictor.groups, x.text, values, coefficients[1 + j], units)
                explained[j] = _phrases(x.text, units, weights, top)
        out.append(explained)
    return out


def _word_units(text: str) -> list[tuple[int, int]]:
    """The spans evidence is made of: words, and punctuation marks that stand alone."""
    units = [m.span() for m in WORD_TOKEN.finditer(text)]
    covered = np.zeros(len(text) + 1, dtype=bool)
    for start, end in units:
        covered[start:end] = True
    units += [m.span() for m in _PUNCTUATION.finditer(text) if not covered[m.start()]]
    return sorted(units)


def _unit_weights(groups: Sequence[FeatureGroup], text: str, values, coef: np.ndarray,
                  units: list[tuple[int, int]]) -> np.ndarray:
    weights = np.zeros(len(units))
    if not units:
        return weights
    starts = np.array([u[0] for u in units])
    ends = np.array([u[1] for u in units])

    def credit(start: int, end: int, amount: float) -> None:
        hit = np.flatnonzero((starts < end) & (ends > start))
        if len(hit):
            weights[hit] += amount / len(hit)

    offset = 0
    for group in groups:
        part_coef = coef[offset:offset + group.width] * group.weight
        # Each group is asked what its columns saw: a vectoriser through its own vocabulary and
        # tokens, a count group through the words behind its columns, the embedding through its
        # tokens.  Groups that describe no word (style, context) have nothing to say.
        if group.vocabulary is not None:
            _credit_ngrams(group, text, values[:, offset:offset + group.width], part_coef, credit)
        elif (spans := MEASURES[group.name].spans if group.name in MEASURES else None) is not None:
            _credit_counts(spans(text), group, part_coef, credit)
        elif group.name == "embedding":
            _credit_embedding(group, text, part_coef, credit)
        offset += group.width
    return weights


def _credit_ngrams(group: FeatureGroup, text: str, values, coef: np.ndarray, credit) -> None:
    """Share each present n-gram's contribution among its occurrences' words."""
    row = values.tocsr()
    if row.nnz == 0:
        return
    contribution = {int(f): coef[f] * v for f, v in zip(row.indices, row.data, strict=True)}
    occurrences: dict[int, list[tuple[int, int]]] = {}
    vocabulary = group.vocabulary or {}
    for gram, span in _ngram_spans(group, text):
        feature = vocabulary.get(gram)
        if feature in contribution:
            occurrences.setdefault(feature, []).append(span)
    for feature, spans in occurrences.items():
        for start, end in spans:
            credit(start, end, contribution[feature] / len(spans))


def _ngram_spans(group: FeatureGroup, text: str):
    """(n-gram, character span) for every n-gram the group's vectoriser extracts."""
    if group.ignore_sides:
        # The same length with the side names blanked: the spans are the sentence's own.
        text = blank_side_names(text)
    if group.name == "stems":
        for match in WORD_TOKEN.finditer(text):
            yield word_stem(match.group().lower()), match.span()
        return
    low, high = group.ngram_range
    if group.name == "chars":
        for match in re.finditer(r"\S+", text):
            padded = " " + match.group().lower() + " "
            for n in range(low, high + 1):
                for i in range(max(len(padded) - n + 1, 0)):
                    start = match.start() + max(i - 1, 0)
                    end = match.start() + min(i + n - 1, len(match.group()))
                    yield padded[i:i + n], (start, max(end, start + 1))
        return
    # The vectoriser's own token pattern, so evidence sees exactly the tokens the model saw
    # ("workers' rights" gives "workers", not "workers'").
    yield from _token_ngrams(NGRAM_TOKEN, True, (low, high), text)


def _token_ngrams(pattern: re.Pattern[str], lowercase: bool, ngram_range: tuple[int, int], text: str):
    low, high = ngram_range
    tokens = [(m.group().lower() if lowercase else m.group(), m.span()) for m in pattern.finditer(text)]
    for n in range(low, high + 1):
        for i in range(len(tokens) - n + 1):
            gram = tokens[i:i + n]
            yield " ".join(t for t, _ in gram), (gram[0][1][0], gram[-1][1][1])


def _credit_counts(matches, group: FeatureGroup, coef: np.ndarray, credit) -> None:
    """For a group of log(1 + count) columns (lexicon categories, claim markers): each column's
    contribution, measured from "no match", shared by the words that matched it."""
    spans_of: dict[int, list[tuple[int, int]]] = {}
    for start, end, column in matches:
        spans_of.setdefault(column, []).append((start, end))
    for column, spans in spans_of.items():
        assert group.scale is not None
        amount = coef[column] * np.log1p(len(spans)) / group.scale[column]
        for start, end in spans:
            credit(start, end, amount / len(spans))


def _credit_embedding(group: FeatureGroup, text: str, coef: np.ndarray, credit) -> None:
    """Split the embedding's contribution exactly over the tokens whose weighted mean it is."""
    from .embeddings import token_spans_and_vectors

    spans, vectors, weights = token_spans_and_vectors(text, group.weighting, group.ignore_sides)
    if not spans or weights.sum() <= 0:
        return
    mean = (weights[:, None] * vectors).sum(axis=0) / weights.sum()
    norm = max(float(np.linalg.norm(mean)), 1e-9)
    assert group.scale is not None
    per_token = (vectors @ (coef / group.scale)) * weights / (weights.sum() * norm)
    for (start, end), amount in zip(spans, per_token, strict=True):
        credit(start, end, float(amount))


def _is_content(word: str) -> bool:
    """A word that can carry meaning on its own: not punctuation, a number or a function word."""
    lower = word.lower().strip("'’-")
    return any(c.isalpha() for c in lower) and lower not in FUNCTION_WORDS


def _phrases(text: str, units: list[tuple[int, int]], weights: np.ndarray, top: int) -> tuple[Evidence, ...]:
    if not len(weights) or weights.max() <= 0:
        return ()
    # Punctuation and function words may sit inside a phrase but never make one: only a content
    # word can start or end it, and the share is of what the content words pushed.
    content = np.array([_is_content(text[a:b]) for a, b in units], dtype=bool)
    weights = np.where(content, weights, np.minimum(weights, 0.0))
    if weights.max() <= 0:
        return ()
    total = float(weights[weights > 0].sum())
    strong = weights >= weights.max() * _PHRASE_SHARE
    phrases: list[tuple[int, int, float]] = []
    i = 0
    while i < len(units):
        if not strong[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(units) and strong[j + 1] and not text[units[j][1]:units[j + 1][0]].strip():
            j += 1
        phrases.append((units[i][0], units[j][1], float(weights[i:j + 1].sum())))
        i = j + 1
    phrases.sort(key=lambda p: -p[2])
    return tuple(Evidence(start, end, text[start:end], round(weight, 4), round(weight / total, 4))
                 for start, end, weight in phrases[:top] if round(weight, 4) > 0)
