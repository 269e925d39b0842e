"""Who is speaking: the writer, or someone the writer quotes or reports.

For every sentence of a document, :func:`sentence_voices` says whether its words are the
writer's own (``"author"``) or sit inside a quotation or reported speech (``"quoted"``), and
names the speaker where the sentence or a neighbouring one does ("the mayor said",
"according to the ministry", "said Jones", "“…,” she wrote").  :func:`span_voice` gives the
voice of a stretch inside a sentence, such as a technique's evidence span.

Everything is rules over character offsets of the whole document, with no dependencies:

* **Quotation marks** are paired over the document: straight ``"``, curly “ ”, „ “, « » and
  single quotes (‘ ’ and ``'``) used as quotation marks but not as apostrophes (don't,
  workers’, ’21).  A quote still open at the end of a paragraph stops there; when the next
  paragraph opens with a quotation mark (the newspaper convention for a quote running over
  several paragraphs) the two belong to one quotation, with one speaker.
* **Reported speech** is found from attribution verbs (said, told, added, wrote, claimed,
  warned, according to, …) and where they stand: before the content ("X said that …"), after
  it ("…, said X." / "…," X said.), as a participle ("…, saying …") or in parentheses
  ("…, he said, …").  Self-report by the writer ("I said to the House that …", "as he rightly
  says") is the writer's own voice.
* A sentence is ``"quoted"`` when more than half of its non-space characters are inside
  quotation marks or in a reported clause.

All scanning is linear in the length of the text: regular expressions run over single
sentences or bounded windows and have no nested repetition.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .segmentation import text_blocks

AUTHOR = "author"
QUOTED = "quoted"

__all__ = ["AUTHOR", "QUOTED", "Voice", "quotation_spans", "sentence_voices", "span_voice"]


class _SentenceLike(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Voice:
    """The voice of one sentence.

    Attributes
    ----------
    voice : str
        ``"quoted"`` or ``"author"``.
    speaker : str or None
        Who speaks the quoted or reported words, as the text names them ("the mayor",
        "Jane Smith", "a spokesman for the ministry", or a pronoun that could not be resolved);
        None when nobody is named.  For an ``"author"`` sentence this is the speaker of the
        quoted stretches inside it, if any.
    quoted_spans : tuple of (int, int)
        Document offsets (end-exclusive) of the stretches inside quotation marks that overlap
        the sentence, clipped to the sentence.
    """

    voice: str
    speaker: str | None
    quoted_spans: tuple[tuple[int, int], ...]


# --------------------------------------------------------------------------------------------
# Paragraphs


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraph spans, as segmentation sees them: lines, or paragraphs of hard-wrapped prose."""
    return [(a, b) for a, b in text_blocks(text) if text[a:b].strip()]


# --------------------------------------------------------------------------------------------
# Quotation marks


@dataclass(slots=True)
class _Quote:
    start: int  # offset of the opening mark
    end: int  # offset after the closing mark, or the end of the paragraph
    run: int  # quotes continued over paragraphs share a run
    closed: bool


_DOUBLE = re.compile(r"[\"“”„‟«»]")
_SINGLE = re.compile(r"['‘’‚‛‹›]")
_OPEN_CONTEXT = set(" \t\n\r\f\v([{—–-/:;,\u00a0") | set("\"“„«")
_ELISIONS = ("em ", "til ", "n ", "n'", "cause ", "tis ")


def _prev_char(text: str, i: int, floor: int) -> str:
    return text[i - 1] if i > floor else " "


def _next_char(text: str, i: int, ceiling: int) -> str:
    return text[i + 1] if i + 1 < ceiling else " "


def _opens_paragraph(text: str, start: int, end: int, marks: str) -> bool:
    stripped = text[start:end].lstrip()
    return bool(stripped) and stripped[0] in marks


def _double_quotes(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Pairs of double quotation marks inside one paragraph: (open, end, closed)."""
    found: list[tuple[int, int, bool]] = []
    opened = -1
    opener = ""
    for m in _DOUBLE.finditer(text, start, end):
        i = m.start()
        c = text[i]
        before = _prev_char(text, i, start)
        after = _next_char(text, i, end)
        if opened < 0:
            if c in "“„‟«" or c == '"' or (c in "”»" and before in _OPEN_CONTEXT and not after.isspace()):
                opened, opener = i, c
            continue
        closing = {"„": "“”\"", "«": "»\"", "»": "«", "”": "”\"", "‟": "”\""}.get(opener, "”\"»")
        if c in closing:
            found.append((opened, i + 1, True))
            opened = -1
        elif c == "“" and not before.isspace() and (after.isspace() or not after.isalnum()):
            found.append((opened, i + 1, True))  # “ used as a closing mark
            opened = -1
        elif c in "“„«":
            # A new quotation opens while one is still open: the first lacked its closing mark.
            found.append((opened, i, False))
            opened, opener = i, c
    if opened >= 0:
        found.append((opened, end, False))
    return found


def _single_quotes(text: str, start: int, end: int, taken: list[tuple[int, int, bool]],
                   continued: bool) -> list[tuple[int, int, bool]]:
    """Single quotation marks used as quotation marks outside double quotes in a paragraph."""
    marks = []
    k = 0
    for m in _SINGLE.finditer(text, start, end):
        i = m.start()
        while k < len(taken) and taken[k][1] <= i:
            k += 1
        if k < len(taken) and taken[k][0] <= i < taken[k][1]:
            continue
        c = text[i]
        before = _prev_char(text, i, start)
        after = _next_char(text, i, end)
        opener = (c in "‘‚‛‹'" and before in _OPEN_CONTEXT and (after.isalnum() or after in "“\"")
                  and not text.startswith(_ELISIONS, i + 1)
                  and not (text[i + 1:i + 3].isdigit() and not text[i + 3:i + 4].isalnum()))
        closer = c in "’'›" and not before.isspace() and not after.isalnum()
        if opener or closer:
            marks.append((i, opener, closer))
    # The next closing mark after each position, found in one backward pass.
    next_closer = [-1] * (len(marks) + 1)
    for j in range(len(marks) - 1, -1, -1):
        next_closer[j] = j if marks[j][2] else next_closer[j + 1]
    found: list[tuple[int, int, bool]] = []
    j = 0
    while j < len(marks):
        i, opener, _ = marks[j]
        if opener:
            close = next_closer[j + 1]
            if close >= 0:
                found.append((i, marks[close][0] + 1, True))
                j = close + 1
                continue
            if continued:
                found.append((i, end, False))
                break
        j += 1
    return found


def _quotes(text: str, blocks: list[tuple[int, int]]) -> list[_Quote]:
    quotes: list[_Quote] = []
    run = -1
    carry = False  # the previous paragraph ended inside a quotation
    for b, (start, end) in enumerate(blocks):
        nxt = blocks[b + 1] if b + 1 < len(blocks) else None
        doubles = _double_quotes(text, start, end)
        singles = _single_quotes(text, start, end, doubles,
                                 nxt is not None and _opens_paragraph(text, nxt[0], nxt[1], "‘'‹"))
        pieces = sorted(doubles + singles)
        for n, (qs, qe, closed) in enumerate(pieces):
            first_in_block = n == 0 and not text[start:qs].strip()
            if not (carry and first_in_block):
                run += 1
            quotes.append(_Quote(qs, qe, run, closed))
        carry = bool(pieces) and not pieces[-1][2] and nxt is not None and _opens_paragraph(
            text, nxt[0], nxt[1], "\"“„«”‘'")
    return quotes


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """Stretches of ``text`` inside quotation marks, marks included.

    Parameters
    ----------
    text : str
        The whole document.

    Returns
    -------
    list of (int, int)
        End-exclusive offsets in document order.  A quotation left open at the end of a
        paragraph stops there.
    """
    return [(q.start, q.end) for q in _quotes(text, _blocks(text))]


# --------------------------------------------------------------------------------------------
# Attribution

# Verbs that report speech when they take a clause ("X said the plan failed").
_CLAUSE_VERBS = {
    "said", "says", "say", "stated", "states", "claimed", "claims", "claim", "argued", "argues",
    "argue", "insisted", "insists", "warned", "warns", "warn", "noted", "notes", "explained",
    "explains", "announced", "announces", "declared", "declares", "reported", "reports",
    "remarked", "commented", "added", "adds", "confirmed", "confirms", "testified", "alleged",
    "alleges", "asserted", "asserts", "contended", "contends", "maintained", "maintains",
    "acknowledged", "acknowledges", "admitted", "admits", "estimated", "estimates", "reiterated",
    "predicted", "predicts", "conceded", "concedes", "recalled", "recalls", "replied", "replies",
    "responded", "revealed", "reveals", "emphasised", "emphasized", "stressed", "stresses",
    "tweeted", "told", "tells", "suggested", "suggests", "indicated", "indicates", "observed",
    "wrote", "writes", "asked", "asks", "continued", "continues", "concluded", "concludes",
    "recommended", "denied", "denies", "posted", "described", "describes", "called", "calls",
    "cited", "cites", "read", "urged", "urges", "cautioned", "quipped", "joked", "exclaimed",
    "shouted", "yelled", "whispered", "muttered", "chanted", "sang", "highlighted", "highlights",
    "highlight",
}
# Of those, verbs that count only before a quotation, a colon or "that".
_MARKED_ONLY = {
    "wrote", "writes", "asked", "asks", "continued", "continues", "concluded", "concludes",
    "recommended", "denied", "denies", "posted", "described", "describes", "called", "calls",
    "cited", "cites", "read", "urged", "urges", "observed", "tweeted", "quipped", "joked",
    "exclaimed", "shouted", "yelled", "whispered", "muttered", "chanted", "sang",
}
# Verbs whose object comes between them and the quotation ("called the plan “a disgrace”").
_LONG_GAP = {"called", "calls", "cited", "cites", "citing", "calling", "described", "describes",
             "describing", "declared"}
_OBJECT_GAP = {"told", "tells", "telling"}
_NAMING = {"called", "calls", "described", "describes", "cited", "cites"}
_BE = {"is", "are", "was", "were", "be", "been", "being"}
_COUNT_VERBS = {"reports", "reported", "confirmed", "confirms", "announced", "announces",
                "estimated", "estimates"}
_NUMBERS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
            "nineteen", "twenty", "thirty", "forty", "fifty", "hundreds", "thousands", "dozens",
            "nearly", "almost"}
_PARTICIPLES = {
    "saying", "claiming", "stating", "adding", "arguing", "noting", "warning", "insisting",
    "explaining", "telling", "writing", "citing", "calling", "describing", "asking",
    "announcing", "declaring", "remarking", "commenting", "stressing", "urging",
}
# Verbs that can follow the content as a tag ('…," said Jones.' / '…, Jones added.').
_POST_VERBS = {
    "said", "says", "added", "adds", "wrote", "writes", "asked", "asks", "explained", "continued",
    "concluded", "noted", "argued", "insisted", "warned", "stated", "claimed", "told", "tells",
    "remarked", "commented", "replied", "responded", "recalled", "reported", "announced",
    "declared", "acknowledged", "admitted", "tweeted", "observed", "emphasized", "emphasised",
    "stressed", "conceded", "cautioned", "predicted", "say", "read", "suggested", "alleged",
}
_ALL_VERBS = _CLAUSE_VERBS | _PARTICIPLES

_FIRST_PERSON = {"i", "we"}
_SUBORDINATORS = {"when", "if", "because", "although", "though", "while", "unless", "whether",
                  "what", "whatever", "since", "until", "once", "where", "whereas", "why", "how",
                  "after", "before", "that"}
# Verb forms that are also plural nouns ("early reports suggested").
_NOUN_LIKE = {"reports", "notes", "claims", "states", "comments", "calls", "estimates", "posts",
              "cites", "asks", "writes", "warns", "tells", "adds", "reads", "urges", "highlights",
              "stresses", "replies", "remarks", "concludes", "continues", "indicates", "suggests",
              "observes", "denies", "alleges", "maintains", "predicts", "recalls", "reveals"}
_FIRST_PERSON_WORDS = re.compile(r"\b(?:I|we|We|our|Our|us|my|My|me)\b|\bI[’']")
_PRONOUNS = {"he", "she", "they", "it"}
_OBJECT_PRONOUNS = {"them", "him", "her", "me", "us", "it", "himself", "herself", "themselves"}
_PREPOSITIONS = {
    "about", "to", "of", "for", "in", "on", "with", "at", "by", "after", "before", "during",
    "from", "into", "over", "under", "against", "towards", "toward", "through", "since", "until",
    "upon", "without", "within", "via", "like", "among", "between", "around",
}
_DETERMINERS = {
    "the", "a", "an", "this", "these", "those", "that", "his", "her", "its", "their", "our",
    "my", "your", "some", "many", "most", "all", "no", "several", "each", "every", "one", "two",
    "three", "four", "five", "six", "seven", "eight", "nine", "ten", "any", "both", "few",
    "more", "only", "other", "another", "such", "there", "it", "he", "she", "they", "we", "i",
    "you", "nobody", "nothing", "everyone", "everybody", "someone", "anyone", "people", "what",
    "how", "whether", "if", "when", "why", "who", "where",
}
_AUX = {
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will", "would",
    "can", "could", "should", "shall", "may", "might", "must", "does", "do", "did", "won't",
    "can't", "isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't", "hadn't", "don't",
    "doesn't", "didn't", "wouldn't", "couldn't", "shouldn't", "won’t", "can’t", "isn’t",
    "aren’t", "wasn’t", "weren’t", "hasn’t", "haven’t", "hadn’t", "don’t", "doesn’t", "didn’t",
    "wouldn’t", "couldn’t", "shouldn’t", "found", "made", "took", "gave", "came", "went", "knew",
    "saw", "left", "got", "put", "kept", "held", "brought", "thought", "began", "ran", "won",
    "lost", "paid", "met", "sent", "spent", "built", "felt", "led", "meant", "became", "fell",
    "struck", "shot", "hit", "cut", "said", "told", "spoke", "wrote", "bought",
    "caught", "chose", "drew", "drove", "fought", "flew", "forgot", "grew", "hid", "laid", "rode",
    "rose", "sang", "sat", "slept", "stood", "stole", "threw", "understood", "woke", "wore",
    "sold", "swore", "taught", "withdrew", "broke", "arrived", "died",
}
_ADVERBS = {
    "also", "later", "then", "subsequently", "previously", "earlier", "reportedly", "today",
    "yesterday", "recently", "once", "further", "repeatedly", "strongly", "consistently",
    "quickly", "publicly", "explicitly", "again", "initially", "first", "finally", "tonight",
    "now", "similarly", "separately", "likewise", "simply", "rightly", "correctly", "herself",
    "himself", "themselves", "itself", "often", "frequently", "always", "never", "still",
    "flatly", "angrily", "however", "meanwhile", "too", "directly", "openly", "privately",
    "formally", "officially", "jointly", "quite", "just", "has", "have", "had",
}
_TIME_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
               "week", "month", "year", "night", "morning", "afternoon", "evening", "weekend",
               "statement", "interview", "release", "conference", "briefing", "letter", "tweet",
               "post", "speech", "twitter", "facebook", "television", "radio", "january",
               "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december"}
_RELATIVES = {"which", "who", "whom", "that", "whose"}
_TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "rep", "reps", "representative",
    "representatives", "sen", "sens", "senator", "senators", "congressman", "congresswoman",
    "congressmen", "congresswomen", "congressperson", "delegate", "gov", "governor",
    "president", "vice", "mayor", "minister", "secretary", "secretary-general", "chancellor",
    "judge", "justice", "chief", "chairman", "chairwoman", "chair", "ceo", "director",
    "manager", "executive", "commissioner", "spokesman", "spokeswoman", "spokesperson",
    "leader", "deputy", "ambassador", "general", "gen", "lt", "col", "colonel", "captain",
    "capt", "sgt", "sergeant", "officer", "inspector", "superintendent", "premier", "king",
    "queen", "prince", "princess", "pope", "cardinal", "bishop", "rev", "reverend", "father",
    "councillor", "councilman", "councilwoman", "councilmember", "attorney", "assemblyman",
    "assemblywoman", "speaker", "whip", "member", "mp", "mep", "msp", "taoiseach", "sheriff",
    "coach", "founder", "head", "officials", "official", "regional", "state", "u.s.", "us",
    "uk", "federal", "county", "district", "city", "supreme", "court", "ranking", "majority",
    "minority", "opposition", "prime", "foreign", "interior", "health", "defence", "defense",
    "finance", "home", "shadow", "acting", "former", "incumbent", "actor", "actress", "singer",
    "comedian", "author", "writer", "journalist", "reporter", "player", "rapper", "musician",
    "guitarist", "producer", "scientist", "economist", "lawyer", "activist", "mrs.", "mr.", "dr.",
    "rep.", "sen.", "gov.", "gen.", "lt.", "col.", "capt.", "sgt.", "rev.", "prof.",
}
_PARTICLES = {"de", "da", "del", "della", "dela", "der", "den", "di", "do", "dos", "du", "van",
              "von", "bin", "ibn", "bint", "al", "el", "la", "le", "ter", "ten", "st.", "y"}
_NOT_NAMES = {
    "the", "a", "an", "in", "on", "at", "today", "yesterday", "but", "and", "so", "however",
    "meanwhile", "speaking", "writing", "asked", "after", "following", "during", "when",
    "while", "he", "she", "they", "it", "we", "i", "this", "that", "these", "those", "there",
    "his", "her", "their", "its", "our", "my", "your", "as", "if", "last", "earlier", "later",
    "also", "then", "now", "yes", "no", "one", "some", "many", "most", "all", "both",
    "another", "other", "each", "every", "any", "such", "what", "who", "why", "how", "where",
    "for", "from", "by", "with", "of", "to", "not", "nor", "or", "since", "because",
    "although", "though", "unlike", "like", "despite", "according", "without",
}
_ACCORDING_EXCLUDED = {"plan", "plans", "schedule", "law", "rules", "rule", "tradition",
                       "legend", "custom", "protocol", "procedure", "policy", "design"}

_WORD = re.compile(r"[^\W_](?:[\w.'’\-]{0,60}[\w])?\.?|[\"“”„«»‘’'‹›]|[,;:()\[\]—–]")


def _word_alternation(words: set[str]) -> str:
    """A regular expression matching exactly ``words``, written as a prefix tree.

    Python's engine tries the branches of a flat alternation one by one at every word start;
    sharing prefixes ("s(?:a(?:id|ys?|ying)|tat(?:ed|es|ing))") lets it reject most words after
    a letter or two, which makes the verb scan about twice as fast.  Between ``\\b`` and ``\\b``
    a match is a whole word whatever the order of the branches, so the matches are those of
    the flat alternation.
    """
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict) -> str:
        options = [re.escape(char) + branch(node[char]) for char in sorted(node) if char]
        if "" in node:
            options.append("")
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    return branch(tree)


_VERB_AT = re.compile(r"\b(" + _word_alternation(_ALL_VERBS) + r")\b")
_ACCORDING = re.compile(r"\b[Aa]ccording to\b")
_ISSUED_STATEMENT = re.compile(r"\b(?:issued|released|put out|published)\s+(?:a|an)\s+"
                               r"(?:joint\s+|written\s+|brief\s+|short\s+)?statement\b")
_ACCORDING_TAIL = re.compile(r"[^,;:!?\"“”(]{1,80}")
_STATEMENT_GOES_ON = re.compile(r"\s{0,3}(?:,\s{0,3})?(?:saying|stating|agreeing|arguing|warning|that|"
                                r"in which)\b")
_TAG_GOES_ON = re.compile(r"(?:in|on|at|during|to|later|today|yesterday|last|this|earlier)\b")
# How far from an attribution verb its subject and its clause are looked for, in characters.
_NEAR = 300
_REACH = 600
_FOLLOWING = re.compile(
    r"\b(?:released|issued|made|gave|delivered|provided|shared|offered|sent|put out)\s+"
    r"(?:(?:the|a|this)\s+(?:following|below)\s+(?:joint\s+|written\s+|brief\s+)?"
    r"(?:statement|remarks|comments?|response|letter|message)|"
    r"(?:a|an)\s+(?:joint\s+|written\s+|official\s+)?statement\b)")
_BRACKET_SPEAKER = re.compile(r"\[?\s*((?:[A-Z][\w.'’-]{0,30}\s){0,3}[A-Z][\w.'’-]{0,30})\s*:\s*[\"“]")
_DATELINE = re.compile(r"^\(?[A-Z][A-Z .,'’()-]{1,60}\)?(?:,\s*[A-Z][A-Za-z .]{0,20})?\s*[–—-]+\s*")
_NON_SPACE = re.compile(r"\S")
_PREPOSITION_NEXT = re.compile(r"\s{1,3}(?:on|in|at|during|to|via|through|after|before)\s")
_PAREN = re.compile(r"\s{0,3}\([^()]{0,80}\)")
_TERMINAL = tuple(".!?\"'”’)]…")
_FULL_STOPS = tuple(".!?\"”’")  # what ends a sentence that is not a frame for the next one


@dataclass(slots=True)
class _Attribution:
    kind: str  # "pre", "post", "according", "paren", "participle", "bracket"
    verb_start: int  # document offsets of the attribution verb (or "according to")
    verb_end: int
    speaker: str | None
    region: tuple[int, int] | None  # reported clause, None when it is the writer's own
    quote_follows: bool = False  # a quotation comes right after the verb


def _tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, end)]


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() or (word[:3].lower() in {"al-", "el-"} and word[3:4].isupper())


def _first_char(text: str, start: int, end: int) -> int:
    m = _NON_SPACE.search(text, start, end)
    return m.start() if m else end


def _is_name_token(word: str) -> bool:
    low = re.split(r"['’]", word.lower(), maxsplit=1)[0] if word[:1].isupper() else word.lower()
    if low in _PARTICLES:
        return True
    return _is_capitalised(word) and low not in _NOT_NAMES


def _is_verb_like(word: str) -> bool:
    word = word.rstrip(".")
    low = word.lower()
    if low in _AUX or (low in _CLAUSE_VERBS and low not in _NOUN_LIKE):
        return True
    return word.islower() and len(low) > 4 and low.endswith("ed")


def _name_in(phrase: str) -> str | None:
    """A person's or body's name at the end of a noun phrase, titles left out."""
    words = phrase.split()
    run: list[str] = []
    for word in reversed(words):
        bare = word.strip(",;:")
        if not bare or not _is_name_token(bare):
            break
        run.append(bare)
    run.reverse()
    while run and run[0].lower() in _PARTICLES:
        run.pop(0)
    if not run:
        return None
    # Drop titles and the words that lead into them ("Regional Governor", "NATO Secretary-General").
    last_title = -1
    for k, word in enumerate(run[:-1]):
        if word.lower().rstrip(".") in _TITLES or word.lower() in _TITLES:
            last_title = k
    name = run[last_title + 1:]
    if len(run) == 1 and run[0].lower().rstrip(".") in _TITLES:
        return None  # only a title: "Chair"
    return " ".join(name) if name else None


_LEADING_WORDS = {"and", "but", "so", "yesterday", "today", "earlier", "later", "meanwhile",
                  "now", "then", "also", "instead", "however", "tonight", "separately", "thus",
                  "still", "yet", "indeed", "finally"}


def _clean_speaker(phrase: str) -> str | None:
    """Trim a subject noun phrase to the speaker's name or description."""
    phrase = _PAREN.sub("", phrase)
    phrase = _DATELINE.sub("", phrase.strip())
    phrase = phrase.strip(" ,;:—–-\"“”'’‘")
    if not phrase:
        return None
    words = phrase.split()
    while len(words) > 1 and words[0].lower().strip(",") in _LEADING_WORDS:
        words.pop(0)
    while len(words) > 1 and words[-1].lower().strip(",") in _ADVERBS:
        words.pop()
    if len(words) > 1 and words[-1].lower() in _PRONOUNS | _FIRST_PERSON:
        return words[-1]  # "upon learning his DNA was on the underwear he [claimed]"
    # Trailing adverbials: "on Monday", "in a statement", "today", "also".
    changed = True
    while changed and words:
        changed = False
        if words[-1].lower().strip(",") in _ADVERBS:
            words.pop()
            changed = True
            continue
        for k in (2, 3, 4):
            if len(words) > k and words[-k].lower() in {"on", "in", "last", "this", "earlier", "from",
                                                        "since", "during"} and \
                    words[-1].lower().strip(",.") in _TIME_WORDS:
                del words[-k:]
                changed = True
                break
    # Relative clauses: "Terri Collins who sponsored the bill".
    for k, word in enumerate(words):
        if k and word.lower() in {"who", "which", "whose", "whom"}:
            words = words[:k]
            break
    # "not only does Sir Martin [highlight]": the subject follows the auxiliary.
    for k in range(len(words) - 2, -1, -1):
        if words[k].lower() in {"does", "did", "do", "has", "have", "had", "is", "was", "will"}:
            tail = words[k + 1:]
            if tail and all(_is_name_token(w) for w in tail) and _is_capitalised(tail[0]):
                words = tail
            break
    # "We are hoping that when China [says]": the subject follows the last subordinator.
    for k in range(len(words) - 2, 0, -1):
        if words[k].lower() in _SUBORDINATORS:
            words = words[k + 1:]
            break
    # A verb inside the phrase: the subject is what comes before it ("the city issued ... and").
    for k, word in enumerate(words):
        if k and _is_verb_like(word.strip(",")) and word.islower():
            words = words[:k]
            break
    if not words:
        return None
    if words[0].lower() in _PREPOSITIONS or words[0].lower() in {"by", "back", "since"}:
        # An opening adverbial without a comma: keep from the last determiner or name.
        for k in range(len(words) - 1, 0, -1):
            if words[k].lower() in {"the", "a", "an"}:
                words = words[k:]
                break
        else:
            name = _name_in(" ".join(words))
            return name
    phrase = " ".join(words).strip(" ,;:")
    if not phrase:
        return None
    first = words[0].lower()
    if first in _FIRST_PERSON or first in _PRONOUNS or first in {"you", "i"}:
        return words[0] if len(words) == 1 else phrase
    if first in {"the", "a", "an", "this", "these", "those", "its", "his", "her", "their",
                 "our", "some", "many", "several", "two", "three", "one", "another", "most"}:
        return phrase if len(words) <= 10 else None
    if not _is_capitalised(words[0]):
        # "student protester Joshua Wong"
        return _name_in(phrase) or (phrase if len(words) <= 6 else None)
    # A name, maybe with titles before it and a description after it.
    head = re.split(r"\s+(?:of|for|from|at|with)\s+", phrase, maxsplit=1)[0]
    name = _name_in(head) or _name_in(phrase)
    if name:
        return name
    return phrase if len(words) <= 6 else None


def _chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Comma-separated chunks of ``text[start:end]``, outside brackets."""
    out = []
    depth = 0
    begin = start
    for m in re.finditer(r"[,;()—–]|:(?!\d)", text[start:end]):
        c = m.group()
        i = start + m.start()
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append((begin, i))
            begin = i + 1
    out.append((begin, end))
    return out


_ADVERBIAL_OPENERS = _PREPOSITIONS | {
    "today", "yesterday", "meanwhile", "however", "earlier", "later", "speaking", "writing",
    "following", "when", "while", "as", "instead", "also", "but", "and", "so", "then", "last",
    "this", "separately", "indeed", "still", "yet", "moreover", "again", "previously",
}


def _is_adverbial(chunk: str) -> bool:
    chunk = _DATELINE.sub("", chunk.strip())
    words = chunk.split()
    if not words:
        return True
    first = words[0].lower()
    if _DATELINE.match(chunk.strip()) and chunk.strip().upper() == chunk.strip():
        return True
    if chunk.strip().isupper() or not _PAREN.sub("", chunk).strip(" ()"):
        return True
    if words[-1].lower() in {"later", "ago", "earlier", "before", "afterwards"}:
        return True  # "A month later,"
    return first in _ADVERBIAL_OPENERS or (first.endswith("ing") and len(words) > 1 and first.islower())


def _is_pure_name(chunk: str) -> bool:
    words = _PAREN.sub("", chunk).split()
    return 0 < len(words) <= 5 and all(_is_name_token(w) for w in words) and \
        not all(w.lower().rstrip(".") in _TITLES for w in words)


def _subject_before(text: str, clause_start: int, verb_start: int) -> str | None:
    """The speaker named by the subject of an attribution verb."""
    chunks = [c for c in _chunks(text, clause_start, verb_start)]
    texts = [text[a:b] for a, b in chunks]
    # Drop opening adverbials and datelines ("On Saturday,", "WASHINGTON, D.C. –").
    while len(texts) > 1 and _is_adverbial(texts[0]):
        texts.pop(0)
    last = texts[-1].strip()
    last_words = [w for w in last.split() if w.lower() not in _ADVERBS]
    if len(texts) > 1 and last_words and last_words[0].lower() in _RELATIVES:
        last_words = []  # "Ben Wallace, who was on the radio this morning, admitted"
    if len(texts) > 1 and (not last_words or last_words == ["and"] or last.lower().startswith("and ")):
        # "Phil Chetwynd, director of news for AFP, called" / "Johnson stressed ..., and said".
        names = [t for t in texts[:-1] if _is_pure_name(t)]
        if names and not last_words:
            return _clean_speaker(names[-1])
        return _clean_speaker(texts[0])
    if not last_words and len(texts) == 1:
        return None
    return _clean_speaker(last)


def _subject_after(text: str, start: int, end: int) -> str | None:
    """The speaker after an inverted verb: "said Rep. Smith, chair of the panel"."""
    chunks = [text[a:b] for a, b in _chunks(text, start, end)]
    first = chunks[0]
    if _is_pure_name(first) or len(chunks) == 1:
        return _clean_speaker(first)
    for chunk in chunks[1:]:
        if _is_pure_name(chunk):
            return _clean_speaker(chunk)
    return _clean_speaker(first)


def _sentence_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


_CLAUSE_BREAK = re.compile(r";|\bbut\s{1,3}(?:I|we)\b|,\s{1,3}and\s{1,3}(?:I|we)\b")


def _clause_end(text: str, verb_end: int, end: int) -> int:
    m = _CLAUSE_BREAK.search(text, verb_end, min(end, verb_end + _REACH))
    return m.start() if m else end


def _clause_start(text: str, start: int, verb_start: int) -> int:
    best = start
    window = max(start, verb_start - 400)
    for m in re.finditer(r";|\bbut\b", text[window:verb_start]):
        best = max(best, window + m.end())
    return best


def _quote_after(text: str, pos: int, limit: int, gap: int) -> bool:
    """A quotation mark after at most ``gap`` words from ``pos`` (a colon, comma or "as" allowed)."""
    words = 0
    for m in _QUOTE_AFTER.finditer(text, pos, min(limit, pos + 200)):
        token = m.group(1)
        if token in "\"“„«‘'":
            return True
        if token in ",:":
            continue
        words += 1
        if words > gap:
            return False
    return False


_QUOTE_AFTER = re.compile(r"\s{0,20}([\"“„«‘]|'(?=\w)|[,:]|[^\s\"“„«‘,:]{1,80})")
_QUOTE_MARKS = set("\"“”„«»‘’'‹›")
_VERB_OBJECT_STARTS = {"the", "a", "an", "its", "their", "his", "her", "this", "it", "them", "no"}
_SUBJECT_PRONOUNS = {"he", "she", "they", "it", "we", "i", "there", "you"}


def _clause_follows(text: str, pos: int, end: int) -> bool:
    """After "that" at ``pos`` comes a clause, not a noun ("says that word, …")."""
    tokens = [t for t in _tokens(text, pos, min(end, pos + 200)) if t[2] not in _QUOTE_MARKS]
    if not tokens:
        return False
    if tokens[0][2] == "," or tokens[0][2].lower() in _SUBJECT_PRONOUNS:
        return True
    if tokens[0][2].lower() in _PREPOSITIONS:
        # "admitted that on their watch, the armed services had been …"
        comma = next((k for k, t in enumerate(tokens[:8]) if t[2] == ","), None)
        if comma is not None:
            tokens = tokens[comma + 1:]
    for k, (_s, _e, token) in enumerate(tokens[:14]):
        if token in {",", ";", ":"}:
            return False
        if _is_verb_like(token) and not _is_capitalised(token):
            return True
        nxt = tokens[k + 1][2].lower() if k + 1 < len(tokens) else ""
        if k and token.islower() and token.endswith("s") and not token.endswith("ss") and \
                nxt in _VERB_OBJECT_STARTS:
            return True
    return False


def _complement(text: str, verb: str, verb_end: int, end: int, doc_end: int) -> str | None:
    """What follows an attribution verb: "quote", "that", "clause", or None."""
    low = verb.lower()
    gap = 9 if low in _OBJECT_GAP else 5 if low in _LONG_GAP else 3
    if _PREPOSITION_NEXT.match(text, verb_end, min(doc_end, verb_end + 20)):
        gap = max(gap, 9)  # "said on Voice of America's programme “…”"
    if _quote_after(text, verb_end, doc_end, gap):
        return "quote"
    following = _tokens(text, verb_end, min(end, verb_end + 300))
    words = [t for t in following if t[2] not in {",", "(", ")"}]
    if not words:
        return None
    first = words[0][2]
    if first == ":":
        return "quote"
    if first.lower() == "by":
        return None  # passive: "was confirmed by his son"
    if low in {"told", "tells", "telling"}:
        window = [w[2].lower() for w in words[:8]]
        if "that" in window:
            return "that"
        # The object, then a clause: "told reporters the plan had failed".
        obj = 1
        while obj < len(words) and obj < 5 and _is_capitalised(words[obj][2]) and \
                _is_capitalised(words[obj - 1][2]):
            obj += 1
        words = words[obj:]
        if not words:
            return None
        first = words[0][2]
    if low == "read":
        return None  # "the statement read" takes only a quotation
    if first.lower() in _PREPOSITIONS and low in _CLAUSE_VERBS:
        # "said in its report, the fault …": skip a short opening phrase closed by a comma.
        for k, w in enumerate(words[1:7], 1):
            if text[w[1]:w[1] + 1] == "," and k + 1 < len(words):
                words = words[k + 1:]
                first = words[0][2]
                break
    if first.lower() == "that":
        return "that" if _clause_follows(text, words[0][1], end) else None
    if first.lower() in {"whether", "if", "how", "why", "what"}:
        return "that"
    for k, w in enumerate(words[:5]):
        if w[2].lower() == "that" and all(x[2][:1].isalnum() for x in words[:k]) and \
                _clause_follows(text, w[1], end):
            return "that"  # "said in a statement that", "warned on Monday that"
    if first.lower() == "about" and len(words) > 1 and words[1][2][:1].isdigit():
        first = words[1][2]  # "said about 20 buildings collapsed"
    if low in _MARKED_ONLY or first.lower() in _OBJECT_PRONOUNS - {"her", "it"} or \
            first.lower() in _PREPOSITIONS:
        return None
    if low in _COUNT_VERBS and (first[:1].isdigit() or first.lower() in _NUMBERS):
        return "clause"  # "the ministry reports sixteen deaths"
    if not first[:1].isalnum() or first.lower() in {"to", "not", "so", "as"}:
        return None
    position = next(k for k, t in enumerate(following) if t[0] == words[0][0])
    clause = following[position + 1:position + 14]
    for k, (_s, _e, token) in enumerate(clause):
        if token in {",", ";", ":", "—", "–"}:
            break
        if _is_verb_like(token) and not _is_capitalised(token):
            return "clause"
        # "the western extension of the fault makes the province …"
        nxt = clause[k + 1][2].lower() if k + 1 < len(clause) else ""
        if token.islower() and token.endswith("s") and not token.endswith("ss") and k and \
                nxt in _VERB_OBJECT_STARTS:
            return "clause"
    return None


def _first_person_subject(text: str, clause_start: int, verb_start: int) -> bool:
    words = [w[2] for w in _tokens(text, max(clause_start, verb_start - 80), verb_start)]
    words = [w for w in words if w.lower() not in _ADVERBS and w.lower() not in
             {"can", "will", "would", "must", "should", "could", "may", "might", "do", "did",
              "to", "want", "wanted", "again", "not"}]
    return bool(words) and words[-1].lower() in _FIRST_PERSON | {"me", "us"}


def _parenthetical_as(text: str, clause_start: int, verb_start: int) -> bool:
    """ "as he rightly says," / "as I said to the House" — the writer's own framing."""
    words = [w[2].lower() for w in _tokens(text, max(clause_start, verb_start - 60), verb_start)]
    for k in range(len(words) - 1, max(-1, len(words) - 6), -1):
        if words[k] == "as" and (k == 0 or words[k - 1] in {",", "—", "–", "(", "and", "but"}):
            return True
        if words[k] in {",", ";", ":"}:
            return False
    return False


def _relative_subject(text: str, verb_start: int) -> bool:
    words = [w[2].lower() for w in _tokens(text, max(0, verb_start - 60), verb_start)][-3:]
    for k, word in enumerate(words):
        if word in {"which", "whom", "whose"} or (word == "who" and k < len(words) - 1):
            return not any(_is_verb_like(w) for w in words[k + 1:])
    return False


# Every attribution ``_attributions`` finds starts from one of four patterns matched inside the
# sentence: an attribution verb, "according to", "... a statement" or a bracketed speaker (a
# colon before a quotation mark).  Most sentences hold none, so the document is scanned for them
# once and a sentence without any skips the scan (``_may_attribute``).  The substrings found
# here are parts of what those patterns match, so no sentence with an attribution is skipped.
_COLON_QUOTE = re.compile(r":\s*[\"“]")
_WORD_CHAR = re.compile(r"\w")


def _attribution_triggers(text: str) -> list[int]:
    """Sorted offsets where an attribution may begin: verbs, "ccording to", "statement", ':"'."""
    found = [m.start() for m in _VERB_AT.finditer(text)]
    found += [m.start() for m in _COLON_QUOTE.finditer(text)]
    found += _occurrences(text, ("ccording to", "statement"))
    found.sort()
    return found


def _occurrences(text: str, needles: Sequence[str]) -> list[int]:
    """Sorted offsets of every occurrence of each needle (none of which can overlap itself)."""
    found = []
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            found.append(at)
            at = text.find(needle, at + len(needle))
    found.sort()
    return found


def _any_within(offsets: list[int], start: int, end: int) -> bool:
    """Whether a sorted list of offsets holds one in ``[start, end)``."""
    k = bisect.bisect_left(offsets, start)
    return k < len(offsets) and offsets[k] < end


def _may_attribute(text: str, triggers: list[int], start: int, end: int) -> bool:
    """Whether ``_attributions(text, start, end, …)`` can find anything (False: it finds nothing)."""
    end = _sentence_end(text, start, end)
    if _any_within(triggers, start, end):
        return True
    # A sentence cut inside a word: its scan sees a word boundary at its end that the document
    # scan does not ("saidx" cut after "said"), so it gets the full scan.
    return end < len(text) and end > start and _WORD_CHAR.match(text, end) is not None


def _attributions(text: str, start: int, end: int, doc_end: int) -> list[_Attribution]:
    """Attribution phrases in the sentence ``text[start:end]``."""
    end = _sentence_end(text, start, end)
    found: list[_Attribution] = []
    frame = _is_frame(text, start, end)
    # "[Hon. Members: “How much?”]"
    bracket = _BRACKET_SPEAKER.match(text, start, min(end, start + 200))
    if bracket and not bracket.group(1).isupper():
        found.append(_Attribution("bracket", start + bracket.start(1), start + bracket.end(1),
                                  bracket.group(1).strip(), (start, end), True))
    # "according to X"
    for m in _ACCORDING.finditer(text, start, end):
        tail = _ACCORDING_TAIL.match(text, m.end(), end)
        if not tail:
            continue
        phrase = tail.group().strip().rstrip(".")
        head = phrase.split()[:2]
        if not head or head[-1].lower() in _ACCORDING_EXCLUDED or (
                head[0].lower() in _ACCORDING_EXCLUDED):
            continue
        if m.start() > start and text[max(start, m.start() - 4):m.start()].strip().lower().endswith("not"):
            continue
        cs = _clause_start(text, start, m.start())
        found.append(_Attribution("according", m.start(), m.end(), _clean_speaker(phrase),
                                  (cs, _clause_end(text, m.end(), end))))
    # "The government issued a statement agreeing …: “…”"
    for m in _ISSUED_STATEMENT.finditer(text, start, end):
        if not (_quote_after(text, m.end(), end, 12) or _STATEMENT_GOES_ON.match(text, m.end(), end)):
            continue
        cs = _clause_start(text, start, m.start())
        subject = _clause_subject(text, max(cs, m.start() - _NEAR), m.start())
        found.append(_Attribution("pre", m.start(), m.end(), subject,
                                  (cs, _clause_end(text, m.end(), end)), True))
    for m in _VERB_AT.finditer(text, start, end):
        verb = m.group()
        vs, ve = m.start(), m.end()
        before = text[max(start, vs - 3):vs]
        low = verb.lower()
        previous = _tokens(text, max(start, vs - 40), vs)
        prev_word = previous[-1][2].lower() if previous else ""
        if low in _PARTICIPLES:
            if prev_word not in {",", "—", "–"} and not (previous and previous[-1][2][:1].isalpha()
                                                         and low == "saying"):
                continue
            comp = _complement(text, verb, ve, end, doc_end if frame else end)
            if not comp:
                continue
            cs = _clause_start(text, start, vs)
            subject = _clause_subject(text, max(cs, vs - _NEAR), vs)
            found.append(_Attribution("participle", vs, ve, subject,
                                      (cs, _clause_end(text, ve, end)), comp == "quote"))
            continue
        if prev_word in {"the", "a", "an", "with", "to", "of", "for", "said", "so", "this", "that",
                         "its", "his", "her", "their"}:
            continue
        # Inverted tag after the content: '…," said Rep. Smith.' / '…, said the mayor, who …'
        punctuated = before.strip()[-1:] in {",", "\"", "”", "’", "'"} or (
            prev_word in {",", "\"", "”"})
        if low in _POST_VERBS and vs - start > 12 and end - ve < _NEAR and \
                _inverted_tag(text, ve, end, punctuated):
            found.append(_Attribution("post", vs, ve,
                                      _subject_after(text, ve, _tag_end(text, ve, end)),
                                      (start, end)))
            continue
        # Subject and verb after the content: '…,” Rep. Smith said.' / '…, he said, …'
        tag = _tag_before(text, start, vs)
        if tag is not None and low in _POST_VERBS:
            after = text[ve:min(end, ve + 80)].strip()
            if not after or after[:1] in ".!?,;:" or _TAG_GOES_ON.match(after):
                subject = _clean_speaker(text[tag:vs])
                if subject and not _first_person_word(subject) and (tag > start or after in {"", ".", "!"}):
                    if tag == start:
                        # A sentence that is only a tag ("Adams concluded.") is the writer's.
                        found.append(_Attribution("tag", vs, ve, subject, None))
                    else:
                        kind = "post" if not after or after[:1] in ".!?" else "paren"
                        found.append(_Attribution(kind, vs, ve, subject, (start, end)))
                    continue
        cs = _clause_start(text, start, vs)
        if _parenthetical_as(text, cs, vs) or _relative_subject(text, vs):
            continue
        if not previous:
            continue  # a verb opening the sentence has no subject: "Said to be …"
        comp = _complement(text, verb, ve, end, doc_end if frame else end)
        if not comp:
            continue
        if low in _NAMING and prev_word in _BE:
            continue  # "It was called “Our position on China”": a name, not speech
        subject = _subject_before(text, max(cs, vs - _NEAR), vs)
        first_person = _first_person_subject(text, cs, vs)
        # "… the leader who said, “…”": reported inside a relative clause of the writer's sentence.
        relative = prev_word in {"who", "which", "that"}
        # A frame that only introduces a quotation in the next paragraph is the writer's.
        short_frame = frame and len(text[ve:end].split()) < 8
        # "We are hoping that when China says …": reported inside the writer's own clause.
        subordinate = _in_subordinate_clause(text, cs, vs)
        region = None if first_person or short_frame or relative or subordinate else \
            (cs, _clause_end(text, ve, end))
        if relative:
            subject = _clean_speaker(text[max(cs, vs - _NEAR):previous[-1][0]]) if previous else None
        found.append(_Attribution("pre", vs, ve, subject, region, comp == "quote"))
    return found


def _in_subordinate_clause(text: str, clause_start: int, verb_start: int) -> bool:
    """A subordinator ("when", "because what", "if") shortly before the verb's subject."""
    tokens = _tokens(text, max(clause_start, verb_start - 80), verb_start)
    for _s, _e, token in reversed(tokens[-6:]):
        if token in {",", ";", ":", "—", "–", "(", ")"}:
            return False
        if token.lower() in _SUBORDINATORS and token.lower() not in {"that", "once"}:
            return True
    return False


def _is_frame(text: str, start: int, end: int) -> bool:
    """A sentence that only leads into a quotation after it: 'He described it as' / 'He said:'."""
    sentence = text[max(start, end - 10):end].rstrip()
    if sentence.endswith(":"):
        return True
    if sentence.endswith(_TERMINAL):
        return False
    following = text[end:end + 40].lstrip()
    return bool(following) and following[0] in "\"“„«‘"


def _is_name_like_start(word: str) -> bool:
    low = word.lower().strip(",")
    return _is_capitalised(word) or low in {"the", "a", "an", "one", "another", "he", "she",
                                             "they", "it", "officials", "police", "his", "her"}


def _first_person_word(phrase: str) -> bool:
    return phrase.split()[0].lower() in _FIRST_PERSON if phrase.split() else False


_SPEAKER_NOUNS = {
    "spokesman", "spokeswoman", "spokesperson", "spokespeople", "official", "officials",
    "officer", "officers", "source", "sources", "statement", "report", "reports", "witness",
    "witnesses", "eyewitness", "police", "minister", "ministry", "department", "agency",
    "government", "lawyer", "lawyers", "attorney", "aide", "aides", "analyst", "analysts",
    "expert", "experts", "resident", "residents", "leader", "leaders", "member", "members",
    "chairman", "chairwoman", "chair", "president", "mayor", "governor", "senator", "senators",
    "representative", "secretary", "director", "executive", "chief", "head", "commander",
    "doctor", "doctors", "scientist", "scientists", "researcher", "researchers", "professor",
    "author", "authors", "organisers", "organizers", "campaigners", "activist", "activists",
    "union", "group", "company", "firm", "party", "committee", "council", "court", "judge",
    "board", "commission", "prosecutor", "prosecutors", "investigators", "authorities",
    "military", "army", "regulator", "ministers", "lawmakers", "legislators",
    "candidate", "campaign", "website", "letter", "document", "release", "office", "family",
    "relative", "relatives", "friend", "neighbour", "neighbor", "man", "woman", "people",
    "student", "students", "teacher", "worker", "workers", "victim", "survivor", "opponents",
    "critics", "supporters", "observers", "manager", "coach", "player", "fan",
    "she", "he", "they", "it", "media", "newspaper", "paper", "network", "broadcaster",
}
_NOT_SPEAKERS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                 "january", "february", "march", "april", "may", "june", "july", "august",
                 "september", "october", "november", "december", "today", "yesterday", "that",
                 "in", "on", "at", "it", "this", "there", "so", "to", "he", "she", "they", "we",
                 "i", "you"}


_TAG_REMAINDER = re.compile(r"(?:who|which|whose|adding|noting|saying|in|on|during|at)\b")


def _inverted_tag(text: str, verb_end: int, end: int, punctuated: bool) -> bool:
    """After the verb comes only the speaker, maybe described: 'said Jones, the mayor, who …'."""
    stop = _tag_end(text, verb_end, end)
    remainder = text[stop:min(end, stop + 40)].strip()
    if remainder and remainder[0] not in ".!?;:,\"“”’" and not _TAG_REMAINDER.match(remainder):
        return False
    rest = text[verb_end:stop].strip()
    words = rest.split()
    if not words or len(words) > 25:
        return False
    if not _is_name_like_start(words[0]) and not _name_in(re.split(r"[,;(]", rest, maxsplit=1)[0]):
        return False
    if words[0].lower().strip(",") in _NOT_SPEAKERS:
        return False
    if not punctuated and not (_is_capitalised(words[0]) and words[0].lower() not in {"the", "a", "an"}):
        return False
    for word in words:
        bare = word.strip(",;:()")
        if bare.islower() and _is_verb_like(bare):
            return False
    head = re.split(r"[,;(]|\s(?:of|for|at|from|with)\s", rest, maxsplit=1)[0].split()
    if not head or len(head) > 7:
        return False
    # "said a spokesman for the ministry", not "declared a state of calamity".
    return _is_capitalised(head[-1]) or head[-1].lower().rstrip(".") in _SPEAKER_NOUNS


_TAG_STOP = re.compile(r"\s(?:who|which|in a|in an|on|during|at a|adding|noting|saying)\s|[;:\"“”(]")


def _tag_end(text: str, verb_end: int, end: int) -> int:
    """End of the speaker phrase after an inverted verb (before "who …" or the full stop)."""
    m = _TAG_STOP.search(text, verb_end, min(end, verb_end + _NEAR))
    stop = m.start() if m else end
    while stop > verb_end and text[stop - 1] in ".!?;:\"”’ ":
        stop -= 1
    return stop


def _tag_before(text: str, start: int, verb_start: int) -> int | None:
    """Start of a short subject between the content and a trailing verb ('…,” Jones said')."""
    window_start = max(start, verb_start - 120)
    window = text[window_start:verb_start]
    m = re.compile(r"[,\"”’;—–]\s*([^,\"”’;—–]{1,80})$").search(window)
    if m:
        offset = window_start + m.start(1)
    elif window_start == start and len(window.split()) <= 5:
        offset = start + len(window) - len(window.lstrip())  # the sentence is only a tag
    else:
        return None
    subject = text[offset:verb_start].strip()
    words = subject.split()
    # "…, CNN Philippines reported the governor said." — the speaker is the last subject.
    for k in range(len(words) - 1, 0, -1):
        if words[k].lower() in _CLAUSE_VERBS and k + 1 < len(words):
            cut = subject.find(" " + words[k] + " ") + len(words[k]) + 2
            offset += len(text[offset:verb_start]) - len(text[offset:verb_start].lstrip()) + cut
            subject = text[offset:verb_start].strip()
            words = subject.split()
            break
    if not words or len(words) > 8:
        return None
    if any(_is_verb_like(w) for w in words[1:] if w.islower()):
        return None
    if not (_is_name_like_start(words[0]) or words[0].lower() in {"officials", "police",
                                                                  "experts", "analysts",
                                                                  "reports", "critics"}):
        return None
    return offset


def _clause_subject(text: str, clause_start: int, limit: int) -> str | None:
    """The subject of the clause opening at ``clause_start``: what precedes its first verb."""
    chunks = _chunks(text, clause_start, limit)
    while len(chunks) > 1 and _is_adverbial(text[chunks[0][0]:chunks[0][1]]):
        chunks.pop(0)
    for k, (a, b) in enumerate(chunks):
        verb = _main_verb(text, a, b)
        if verb >= b:
            continue  # no verb here: an adverbial or an appositive ("Phil Chetwynd, director …,")
        before = text[a:verb].strip()
        if before.split()[:1] and before.split()[0].lower() in _RELATIVES:
            continue  # "…, which indicated on Monday …,"
        if k and before.split()[:1] and before.split()[0].lower() in {"the", "a", "an"}:
            # "Michael Makuei, the Information Minister paid tribute": the name comes first.
            names = [text[x:y] for x, y in chunks[:k] if _is_pure_name(text[x:y])]
            if names:
                return _clean_speaker(names[-1])
        if before and not (k and _is_adverbial(before)):
            return _clean_speaker(before)
        # The verb opens the chunk: the subject is an earlier chunk, a name if there is one.
        earlier = [text[x:y] for x, y in chunks[:k] if not _is_adverbial(text[x:y])]
        names = [c for c in earlier if _is_pure_name(c)]
        if names:
            return _clean_speaker(names[-1])
        return _clean_speaker(earlier[0]) if earlier else None
    return _subject_before(text, clause_start, limit)


def _main_verb(text: str, clause_start: int, limit: int) -> int:
    """Offset of the first verb-like word of a clause: the end of its subject."""
    for s, _e, word in _tokens(text, clause_start, limit):
        if s > clause_start and word.islower() and (_is_verb_like(word) or word in _CLAUSE_VERBS
                                                    or word.endswith("s") and len(word) > 3
                                                    and word in {"asks", "agrees", "urges"}):
            return s
    return limit


# --------------------------------------------------------------------------------------------
# Sentences


def _non_space(text: str, start: int, end: int) -> int:
    if end <= start:
        return 0
    piece = text[start:end]
    return len(piece) - sum(piece.count(c) for c in " \t\n\r\f\v\u00a0")


def _covered(text: str, spans: list[tuple[int, int]], start: int, end: int) -> int:
    """Non-space characters of ``text[start:end]`` inside the union of ``spans``."""
    total = 0
    cursor = start
    for s, e in sorted(spans):
        s, e = max(s, cursor), min(e, end)
        if s < e:
            total += _non_space(text, s, e)
            cursor = e
    return total


_POSSESSIVE_SOURCE = re.compile(r"(their|its|his|her)\s+(?:own\s+)?(?:statement|report|letter|"
                                r"words|message|tweet|post|spokesman|spokeswoman|spokesperson)$",
                                re.I)


def _nothing() -> str | None:
    return None


def _once(function: Callable[..., str | None], *args: Any) -> Callable[[], str | None]:
    """``function(*args)``, computed on the first call and remembered."""
    cell: list[str | None] = []

    def value() -> str | None:
        if not cell:
            cell.append(function(*args))
        return cell[0]

    return value


def _resolve(speaker: str | None, lead: Callable[[], str | None], previous: str | None,
             previous_subject: Callable[[], str | None],
             previous_name: Callable[[], str | None] = _nothing) -> str | None:
    """Replace a pronoun by a name from the same sentence or the previous one.

    ``lead`` (a name opening the sentence), ``previous_subject`` and ``previous_name`` (of the
    sentence before) are functions: finding them takes a parse, and only a pronoun needs them.
    """
    if not speaker:
        return speaker
    possessive = _POSSESSIVE_SOURCE.match(speaker)
    if possessive:
        pronoun = {"their": "they", "its": "it", "his": "he", "her": "she"}[possessive.group(1).lower()]
        resolved = _resolve(pronoun, lead, previous, previous_subject, previous_name)
        return speaker if resolved == pronoun else resolved
    if speaker.lower() not in _PRONOUNS:
        return speaker
    if speaker.lower() in {"he", "she"}:
        name = lead()
        if name:
            # "Richard Hughes, the chair of the OBR, was very clear: he described it as"
            return name
    person_pronoun = speaker.lower() in {"he", "she"}
    if previous and previous.lower() not in _PRONOUNS and (not person_pronoun or _is_pure_name(previous)):
        return previous
    subject = previous_subject()
    if subject and subject.lower() not in _PRONOUNS and subject.split()[0].lower() not in _FIRST_PERSON:
        words = subject.split()
        person = words[0].lower() not in {"the", "a", "an"}
        if person == (speaker.lower() in {"he", "she"}):
            named = all(_is_name_token(w) or w.lower() in {"the", "of", "for", "and", "&"}
                        for w in words[1:]) and _is_capitalised(words[-1])
            # "it"/"they" may also be a body named by a common noun: "The government of Samoa".
            body = not person and len(words) > 1 and \
                re.split(r"\s(?:of|for)\s", subject)[0].split()[-1].lower() in _SPEAKER_NOUNS
            if named or body:
                return subject
    if person_pronoun:
        name = previous_name()
        if name:
            return name  # the last person named in the sentence before
    return speaker


def _last_person_name(text: str, start: int, end: int) -> str | None:
    """The last name of two or more words in a sentence ("… the advice of Nadhim Zahawi, …")."""
    last = None
    run: list[str] = []
    for _s, _e, word in _tokens(text, start, end) + [(end, end, ".")]:
        possessive = word.endswith(("'s", "’s"))
        bare = word[:-2] if possessive else word
        if bare[:1].isupper() and bare.lower() not in _NOT_NAMES and bare.replace("-", "").isalpha() or (
                run and bare.lower() in _PARTICLES):
            run.append(bare)
            if not possessive:
                continue
            word = ""
        if len(run) >= 2 and run[-1].lower().rstrip(".") not in _TITLES:
            name = _name_in(" ".join(run))
            if name and len(name.split()) >= 2:
                last = name
        run = []
    return last


def _sentence_subject_name(text: str, start: int, end: int) -> str | None:
    """The name that is the subject of a clause ("Quirin denied …"), if it is a name."""
    return _name_only(_clause_subject(text, start, end))


def _lead_name(subject: Callable[[], str | None]) -> str | None:
    """The sentence's subject if it is a name: whom a "he" or "she" in the sentence means."""
    return _name_only(subject())


def _name_only(subject: str | None) -> str | None:
    if subject and _is_pure_name(subject) and subject.lower() not in _PRONOUNS:
        return subject
    return None


def sentence_voices(text: str, sentences: Sequence[_SentenceLike]) -> list[Voice]:
    """Say for each sentence whether it is the writer's words or quoted/reported speech.

    Parameters
    ----------
    text : str
        The whole document.  Quotation marks are paired over the whole text, so quotes that
        run over several sentences or paragraphs are found.
    sentences : sequence of Sentence
        Objects with ``start`` and ``end`` character offsets into ``text`` (end-exclusive), in
        document order, such as those of :func:`detector.segmentation.split_sentences`.

    Returns
    -------
    list of Voice
        One per sentence, in the same order.  ``voice`` is ``"quoted"`` when more than half of
        the sentence's non-space characters lie inside quotation marks or in speech reported
        through an attribution ("X said that …", "according to X, …"), else ``"author"``.
        ``speaker`` names who speaks, when the sentence or a neighbouring one says;
        ``quoted_spans`` are the quoted stretches overlapping the sentence, clipped to it.

    Examples
    --------
    >>> from detector.segmentation import split_sentences
    >>> doc = 'Prices rose. "This is a disaster," said the mayor.'
    >>> [(v.voice, v.speaker) for v in sentence_voices(doc, split_sentences(doc))]
    [('author', None), ('quoted', 'the mayor')]
    """
    n = len(text)
    spans = [(max(0, min(int(s.start), n)), max(0, min(int(s.end), n))) for s in sentences]
    if not spans:
        return []
    blocks = _blocks(text)
    quotes = _quotes(text, blocks)
    block_starts = [b[0] for b in blocks]

    def block_of(pos: int) -> int:
        """The index of the paragraph holding ``pos`` (-1 before the first)."""
        return bisect.bisect_right(block_starts, pos) - 1

    info = _analyse(text, spans, quotes, block_of)
    run_speaker = _run_speakers(text, info, quotes, block_of)

    voices: list[Voice] = []
    continuation: str | None = None
    continuation_block = -1
    for idx, item in enumerate(info):
        start, end, clipped = item.start, item.end, item.clipped
        regions = [a.region for a in item.attributions if a.region]
        if clipped or regions:
            total = _non_space(text, start, end)
            quoted_chars = _covered(text, list(clipped), start, end)
            covered = _covered(text, list(clipped) + regions, start, end)
        else:  # most sentences: nothing quoted or reported, nothing to count
            total = quoted_chars = covered = 0
        is_quoted = total > 0 and covered * 2 > total
        own = _own_speaker(item.attributions, item.speakers)
        quote_speaker = None
        if item.quotes:
            best = max(item.quotes, key=lambda q: min(q.end, end) - max(q.start, start))
            quote_speaker = run_speaker.get(best.run)
        speaker: str | None
        if quoted_chars * 2 > total and quote_speaker and not own:
            speaker = quote_speaker
        else:
            speaker = own or quote_speaker
        # Quotes whose marks were stripped: first-person sentences after '…, said X.' go on
        # in X's voice until the paragraph ends.
        post = next((s for a, s in zip(item.attributions, item.speakers, strict=True)
                     if a.kind == "post" and s), None)
        if not clipped and post and not _first_person_word(post):
            continuation, continuation_block = post, item.block
        elif clipped or item.block != continuation_block or regions:
            continuation = None
        elif continuation and not is_quoted and _continues_quote(text, info, idx):
            is_quoted = True
            speaker = continuation
        voices.append(Voice(QUOTED if is_quoted else AUTHOR,
                            speaker if (is_quoted or clipped) else None, clipped))
    return voices


@dataclass(slots=True)
class _Item:
    start: int
    end: int
    block: int
    clipped: tuple[tuple[int, int], ...]
    quotes: list[_Quote]
    attributions: list[_Attribution]
    speakers: list[str | None]


def _analyse(text: str, spans: list[tuple[int, int]], quotes: list[_Quote], block_of) -> list[_Item]:
    """Quotation marks and attributions of each sentence, pronouns resolved."""
    n = len(text)
    triggers = _attribution_triggers(text)
    items: list[_Item] = []
    qi = 0
    previous_speaker: str | None = None
    # The previous sentence's subject and last name are only needed to resolve a pronoun in
    # an attribution, which few sentences have: they are worked out on first use.
    previous_subject: Callable[[], str | None] = _nothing
    previous_name: Callable[[], str | None] = _nothing
    previous_block = -2
    for start, end in spans:
        end = max(start, end)
        while qi < len(quotes) and quotes[qi].end <= start:
            qi += 1
        overlapping = []
        k = qi
        while k < len(quotes) and quotes[k].start < end:
            if quotes[k].end > start:
                overlapping.append(quotes[k])
            k += 1
        clipped = tuple((max(q.start, start), min(q.end, end)) for q in overlapping
                        if max(q.start, start) < min(q.end, end))
        block = block_of(start)
        if block not in (previous_block, previous_block + 1):
            previous_speaker = None
            previous_subject = previous_name = _nothing
        attributions = _attributions(text, start, end, n) if end > start and \
            _may_attribute(text, triggers, start, end) else []
        attributions.sort(key=lambda a: a.verb_start)
        # Attributions inside a closed quotation belong to the quoted speaker's own words.
        closed = [q for q in overlapping if q.closed]
        kept = []
        c = 0
        for a in attributions:
            while c < len(closed) and closed[c].end <= a.verb_start:
                c += 1
            if not (c < len(closed) and closed[c].start < a.verb_start):
                kept.append(a)
        attributions = kept
        subject = _once(_clause_subject, text, start, min(end, start + _NEAR)) if end > start else _nothing
        speakers: list[str | None] = []
        if attributions:
            opens_quoted = bool(clipped) and clipped[0][0] <= _first_char(text, start, end)
            lead = _nothing if opens_quoted else _once(_lead_name, subject)
            speakers = [_resolve(a.speaker, lead, previous_speaker, previous_subject, previous_name)
                        for a in attributions]
        items.append(_Item(start, end, block, clipped, overlapping, attributions, speakers))
        own = _own_speaker(attributions, speakers)
        if own:
            previous_speaker = own
        elif any(speakers):
            previous_speaker = next(s for s in speakers if s)
        elif not overlapping:
            previous_speaker = None
        # Inside a quotation the subjects are the quoted speaker's, not the story's.
        if sum(b - a for a, b in clipped) * 2 <= end - start:
            previous_subject = subject
            previous_name = _once(_last_person_name, text, start, end)
        previous_block = block
    return items


def _run_speakers(text: str, info: list[_Item], quotes: list[_Quote], block_of) -> dict[int, str | None]:
    """The speaker of each quotation run."""
    run_speaker: dict[int, str | None] = {}
    # 1. An attribution right next to the quotation, in the same sentence.
    for item in info:
        if not item.quotes:
            continue
        positions = [a.verb_start for a in item.attributions]
        for q in item.quotes:
            if run_speaker.get(q.run):
                continue
            lo = bisect.bisect_left(positions, q.start - 120)
            hi = bisect.bisect_right(positions, q.end + 120)
            for a, s in zip(item.attributions[lo:hi], item.speakers[lo:hi], strict=True):
                if not s:
                    continue
                before = a.verb_end <= q.start and (a.quote_follows or a.kind in {"bracket", "pre"}) \
                    and _gap_is_small(text, a.verb_end, q.start, 9)
                after = a.verb_start >= q.end - 1 and a.kind in {"post", "paren", "tag"} and \
                    _gap_is_small(text, q.end, a.verb_start, 12)
                # A tag inside a quotation that was never closed ('"… time said Deon Viergutz.').
                inside = a.kind == "post" and not q.closed and q.start < a.verb_start <= q.end
                if before or after or inside:
                    run_speaker[q.run] = s
                    break
    # 2. A tag in the sentence right after the quotation ('“…!” Adams concluded.').
    for idx in range(len(info) - 1):
        for q in info[idx].quotes:
            if run_speaker.get(q.run) or q.end > info[idx].end:
                continue
            nxt = info[idx + 1]
            if not _gap_is_small(text, q.end, nxt.start, 0):
                continue
            for a, s in zip(nxt.attributions, nxt.speakers, strict=True):
                if a.verb_start - nxt.start > 80:
                    break
                if s and a.kind in {"post", "pre", "tag", "paren"} and \
                        len(text[nxt.start:a.verb_start].split()) <= 6:
                    run_speaker[q.run] = s
                    break
    # 3. A frame ending in a colon or without a full stop ("He goes on to say:"), and
    #    "X released the following statement".
    statement_speaker: dict[int, str] = {}
    # Every match of the pattern holds one of these words: sentences without one are not searched.
    following_words = _occurrences(text, ("following", "below", "statement"))
    for idx, item in enumerate(info):
        m = _FOLLOWING.search(text, item.start, item.end) if _any_within(
            following_words, item.start, item.end) else None
        following = None
        if m:
            cs = _clause_start(text, item.start, m.start())
            following = _clause_subject(text, max(cs, m.start() - _NEAR), m.start())
            if following:
                for b in (item.block, item.block + 1, item.block + 2):
                    statement_speaker.setdefault(b, following)
        tail = text[max(item.start, item.end - 10):item.end].rstrip()
        if idx + 1 < len(info) and not tail.endswith(_FULL_STOPS):
            frame = next((s for a, s in zip(item.attributions, item.speakers, strict=True)
                          if s and a.quote_follows), None) or following
            if frame:
                for q in info[idx + 1].quotes:
                    if not run_speaker.get(q.run):
                        run_speaker[q.run] = frame
    # 4. The subject of the sentence that opens the quotation ('Khosla talked of Munk's “…”').
    for item in info:
        opener = next((q for q in item.quotes if q.start >= item.start), None)
        if opener is None or run_speaker.get(opener.run) or opener.start - item.start > _NEAR:
            continue
        name = _sentence_subject_name(text, item.start, opener.start)
        if name:
            run_speaker[opener.run] = name
    # 5. Otherwise the speaker of the quotation before, in the same or the previous paragraph,
    #    or of "the following statement".
    first_block: dict[int, int] = {}
    last_block: dict[int, int] = {}
    for q in quotes:
        first_block.setdefault(q.run, block_of(q.start))
        last_block[q.run] = block_of(max(q.start, q.end - 1))
    previous: str | None = None
    previous_block = -5
    for run in sorted(first_block):
        block = first_block[run]
        if not run_speaker.get(run):
            if block - previous_block <= 1 and previous:
                run_speaker[run] = previous
            elif block in statement_speaker:
                run_speaker[run] = statement_speaker[block]
        if run_speaker.get(run):
            previous = run_speaker[run]
        previous_block = last_block[run]
    return run_speaker


_KIND_ORDER = {"post": 0, "paren": 1, "according": 2, "bracket": 3, "pre": 4, "participle": 5}


def _own_speaker(attributions: list[_Attribution], speakers: list[str | None]) -> str | None:
    """The speaker of a sentence's reported clause: a tag ('…, the governor said') first."""
    best = None
    for a, s in zip(attributions, speakers, strict=True):
        if a.region and s and (best is None or _KIND_ORDER[a.kind] < _KIND_ORDER[best[0].kind]):
            best = (a, s)
    return best[1] if best else None


def _continues_quote(text: str, info: list[_Item], idx: int) -> bool:
    """This or one of the next few sentences of the paragraph speaks in the first person."""
    block = info[idx].block
    for item in info[idx:idx + 4]:
        if item.block != block or item.clipped:
            return False
        if _FIRST_PERSON_WORDS.search(text, item.start, item.end):
            return True
    return False


def _gap_is_small(text: str, a: int, b: int, limit: int = 4) -> bool:
    """Only punctuation, spaces and at most ``limit`` short words between offsets a and b."""
    if b < a:
        return False
    gap = text[a:b]
    if len(gap) > 80:
        return False
    return len(re.findall(r"[^\W\d_][\w.'’-]*", gap)) <= limit


def span_voice(text: str, start: int, end: int, voice: Voice) -> str:
    """The voice of a sub-span of a sentence, such as a technique's evidence.

    Parameters
    ----------
    text : str
        The whole document.
    start, end : int
        Document offsets of the span (end-exclusive), inside the sentence ``voice`` describes.
    voice : Voice
        The sentence's entry from :func:`sentence_voices`.

    Returns
    -------
    str
        ``"quoted"`` when most of the span's non-space characters lie inside the sentence's
        quoted stretches, or when the sentence is reported speech without quotation marks;
        otherwise ``"author"`` (for instance the "said the mayor" tag of a quoted sentence).
    """
    start, end = max(0, start), min(len(text), end)
    total = _non_space(text, start, end)
    if total == 0:
        return voice.voice
    inside = _covered(text, list(voice.quoted_spans), start, end)
    if inside * 2 > total:
        return QUOTED
    if voice.voice == QUOTED and not voice.quoted_spans:
        return QUOTED
    return AUTHOR
