"""The persuasion-technique taxonomy: ids, definitions and the PTC label mapping.

The technique ids are part of the public interface (they appear in every output
format and in training data), so they never change once published.  This module
imports nothing heavy so that ``detector techniques`` answers instantly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Technique:
    """One persuasion technique: its stable id, a display name and its definitions."""

    id: str
    name: str
    definition: str
    description: str
    example: str

    @property
    def code(self) -> str:
        """The short code that badges and tags in the views show for this technique (``LL``)."""
        return short_code(self.id)

    def to_dict(self) -> dict[str, str]:
        """The record of ``detector techniques --json`` and the web API's ``/techniques``."""
        return {"id": self.id, "code": self.code, "name": self.name, "definition": self.definition,
                "description": self.description, "example": self.example}


TECHNIQUES: tuple[Technique, ...] = (
    Technique(
        "loaded_language",
        "Loaded language",
        "Words or phrases with strong emotional charge used to sway the reader rather than to describe.",
        "The writer picks a word for the feeling it carries, not for its accuracy: 'slaughter' for a lost "
        "vote, 'disgraceful' for a policy, 'heroic' for a routine decision. Emotive words that are quoted "
        "and attributed to someone else in neutral reporting are not the writer's loaded language.",
        "The council's shameful land grab will gut the heart of our town.",
    ),
    Technique(
        "name_calling",
        "Name calling or labelling",
        "Attaching a derogatory or glorifying label to a person or group instead of engaging with them.",
        "A label stands in for an argument: 'globalist puppets', 'eco-zealots', 'the usual Westminster "
        "cowards', 'a true patriot'. Neutral descriptions (party, job, nationality) are not labels.",
        "The so-called experts in their ivory towers have never run a business.",
    ),
    Technique(
        "fear_appeal",
        "Appeal to fear or prejudice",
        "Building support or opposition by stirring anxiety, panic or prejudice about what will happen.",
        "The text pushes the reader to act or to reject something by painting a threat, usually vague "
        "or inflated: 'they will come for your savings next', 'our children will not be safe'. A plain "
        "factual report of danger, casualties or disease is not a fear appeal.",
        "If this bill passes, no family in this country will be safe in its own home.",
    ),
    Technique(
        "unsupported_speculation",
        "Unsupported speculation",
        "Presenting guesses about motives, intentions or future events as established, "
        "without evidence or attribution.",
        "The writer asserts what someone secretly wants or what will surely follow: 'X has long wanted "
        "to...', 'it is obvious that...', 'this could be the first step toward...'. Hedged forecasts "
        "that cite their source or evidence are not speculation in this sense.",
        "The minister has clearly been planning to sell off the hospital all along.",
    ),
    Technique(
        "exaggeration",
        "Exaggeration or minimisation",
        "Representing something as far bigger, better or worse than it is, or downplaying it as trivial.",
        "Hyperbole ('the worst disaster in human history', 'everyone knows') or belittling ('a few "
        "harmless jokes', 'just a minor hiccup') used to shape judgement rather than inform.",
        "This tiny tax tweak is the greatest theft ever committed against working people.",
    ),
    Technique(
        "doubt",
        "Doubt",
        "Questioning the credibility of a person, institution or claim without giving grounds.",
        "Insinuation takes the place of evidence: scare quotes around 'experts', rhetorical questions "
        "such as 'can we really trust anything they say?'. A genuine question or a criticism backed "
        "by evidence is not doubt in this sense.",
        "Is anyone still naive enough to believe the agency's 'independent' review?",
    ),
    Technique(
        "flag_waving",
        "Flag-waving",
        "Justifying an idea by appeal to patriotism or group identity rather than its merits.",
        "The argument rests on 'real Americans', 'true Scots', 'people like us', 'our proud nation', "
        "'as working-class people we must'. Mentioning a country or group is not flag-waving.",
        "Every true patriot knows that this factory must stay in British hands.",
    ),
    Technique(
        "causal_oversimplification",
        "Causal oversimplification",
        "Assigning a single cause to an issue that has many, or blaming one actor for a complex outcome.",
        "'Prices are up for one reason only: the new mayor.' Reports that name one of several causes, "
        "or a cause established by evidence, are not oversimplification.",
        "Crime rose for one reason and one reason only: the new bail law.",
    ),
    Technique(
        "black_and_white",
        "Black-and-white fallacy",
        "Presenting two options as the only ones when more exist, or demanding total allegiance to one side.",
        "False dilemmas and dictatorship-style demands: 'either you back this plan or you want the town "
        "to die', 'you are with us or against us'.",
        "Either we close the border tomorrow or we lose the country for ever.",
    ),
    Technique(
        "appeal_to_authority",
        "Appeal to authority",
        "Claiming something is true because an authority says so, without other support, "
        "or citing an unqualified or vague authority.",
        "'Top scientists agree', 'a senior source says it is a disaster', a celebrity's opinion on "
        "medicine. A report that attributes a finding to a named, relevant source with its evidence "
        "is ordinary citation, not this technique.",
        "Leading doctors all agree that the vaccine is a scam, so that settles it.",
    ),
    Technique(
        "slogan",
        "Slogan",
        "A brief, striking phrase, often a rallying cry, used in place of argument.",
        "Catchy formulas, often in capitals or set off with an exclamation mark: 'Take back control!', "
        "'Not in our name', 'Jobs not cuts'. A slogan quoted in neutral reporting is not the writer's.",
        "Our message to City Hall is simple: Homes not hotels!",
    ),
    Technique(
        "thought_terminating_cliche",
        "Thought-terminating cliché",
        "A stock phrase that discourages further thought or discussion.",
        "Short, generic phrases that close a topic: 'it is what it is', 'enough said', 'the science is "
        "settled, end of story', 'boys will be boys', 'that's just politics'.",
        "Rules are rules, and there is nothing more to discuss.",
    ),
    Technique(
        "whataboutism",
        "Whataboutism, straw man or red herring",
        "Deflecting criticism by pointing at the opponent's faults, distorting their position, "
        "or changing the subject.",
        "'And what about their own scandals?', 'so the left wants open borders and no police', a sudden "
        "turn to an unrelated issue. Answering the actual argument is not whataboutism.",
        "Before lecturing us on expenses, maybe the opposition should explain its own leader's villa.",
    ),
    Technique(
        "bandwagon",
        "Bandwagon or reductio ad hitlerum",
        "Urging the reader to join because everyone else does, or to reject something because hated groups favour it.",
        "'Millions are already switching', 'everyone who matters backs this', 'that is exactly what the "
        "Nazis did too'. A poll figure reported as information is not bandwagon.",
        "Everyone in the neighbourhood has already signed, so what are you waiting for?",
    ),
    Technique(
        "repetition",
        "Repetition",
        "Repeating the same word, phrase or claim within one text so that it sticks.",
        "A message hammered home across a piece ('a betrayal... a betrayal of our workers... this "
        "betrayal'). It is labelled on the later occurrences, not the first.",
        "They promised jobs. They promised growth. They promised, and they failed to deliver.",
    ),
)

TECHNIQUE_IDS: tuple[str, ...] = tuple(t.id for t in TECHNIQUES)
_BY_ID: dict[str, Technique] = {t.id: t for t in TECHNIQUES}

#: The 14 labels of the Propaganda Techniques Corpus (SemEval-2020 Task 11) mapped to ours.
PTC_LABELS: dict[str, str] = {
    "Appeal_to_Authority": "appeal_to_authority",
    "Appeal_to_fear-prejudice": "fear_appeal",
    "Bandwagon,Reductio_ad_hitlerum": "bandwagon",
    "Black-and-White_Fallacy": "black_and_white",
    "Causal_Oversimplification": "causal_oversimplification",
    "Doubt": "doubt",
    "Exaggeration,Minimisation": "exaggeration",
    "Flag-Waving": "flag_waving",
    "Loaded_Language": "loaded_language",
    "Name_Calling,Labeling": "name_calling",
    "Repetition": "repetition",
    "Slogans": "slogan",
    "Thought-terminating_Cliches": "thought_terminating_cliche",
    "Whataboutism,Straw_Men,Red_Herring": "whataboutism",
}


def get_technique(technique_id: str) -> Technique:
    """Return the technique with this id; raise ``KeyError`` naming the known ids otherwise."""
    try:
        return _BY_ID[technique_id]
    except KeyError:
        raise KeyError(
            f"unknown technique {technique_id!r}; known techniques: {', '.join(TECHNIQUE_IDS)}"
        ) from None


def short_code(technique_id: str) -> str:
    """A two-to-three letter code for a technique id: the initials of its words (``loaded_language``: ``LL``).

    The views show it beside a technique's colour, so that highlights are never told apart by
    colour alone; ``detector techniques`` lists every code.  Ids outside the taxonomy (a model
    trained on other labels) get a code by the same rule.
    """
    return "".join(part[0] for part in technique_id.split("_") if part).upper()[:3]


def is_technique(technique_id: str) -> bool:
    """True when ``technique_id`` is one of the taxonomy's ids."""
    return technique_id in _BY_ID


def _label_key(label: str) -> str:
    # "Loaded language", "loaded_language", "LOADED-LANGUAGE" and "loaded  language" are one label.
    return " ".join(label.replace("_", " ").replace("-", " ").casefold().split())


_BY_LABEL: dict[str, str] = {
    **{_label_key(t.name): t.id for t in TECHNIQUES},
    **{_label_key(name): technique for name, technique in PTC_LABELS.items()},
    **{_label_key(t.id): t.id for t in TECHNIQUES},
}


def technique_for_label(label: str) -> str | None:
    """The technique id a label names, or None.

    A label may be a technique id (``loaded_language``), its display name (``Loaded
    language``) or a PTC label (``Loaded_Language``), in any case, with spaces, hyphens or
    underscores between the words.
    """
    return _BY_LABEL.get(_label_key(label))
