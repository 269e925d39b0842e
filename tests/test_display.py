"""The shared display helpers: the technique palette and where evidence cuts a sentence."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detector._display import COLOUR_OF, PALETTE, TEXT_ON_COLOUR, evidence_segments
from detector.results import Evidence, SentenceResult, TechniqueScore
from detector.taxonomy import TECHNIQUE_IDS, TECHNIQUES

# ---------------------------------------------------------------------- colour science


def _linear(channel: float) -> float:
    """sRGB channel (0-1) to linear light (IEC 61966-2-1)."""
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    r, g, b = (_linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio, from 1 to 21."""
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def lab(colour: str) -> tuple[float, float, float]:
    """CIELAB (D65 white) of an sRGB colour."""
    r, g, b = (_linear(c) for c in _rgb(colour))
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """The CIEDE2000 colour difference (kL = kC = kH = 1), written from Sharma, Wu and Dalal (2005)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    else:
        dh = h2p - h1p
        if dh > 180:
            dh -= 360
        elif dh < -180:
            dh += 360
    dh_big = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_mean = (h1p + h2p + 360) / 2
    else:
        h_mean = (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_mean - 30)) + 0.24 * math.cos(math.radians(2 * h_mean))
         + 0.32 * math.cos(math.radians(3 * h_mean + 6)) - 0.20 * math.cos(math.radians(4 * h_mean - 63)))
    d_theta = 30 * math.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_mean ** 7 / (cp_mean ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dh_big / s_h) ** 2 + r_t * (dc / s_c) * (dh_big / s_h))


# Pairs from the test data published with Sharma, Wu and Dalal (2005): they cover the hue
# rotation term, a hue-angle wrap, achromatic colours and near-black.
SHARMA_PAIRS = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("first", "second", "expected"), SHARMA_PAIRS)
def test_ciede2000_matches_the_published_test_data(first, second, expected):
    assert ciede2000(first, second) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(second, first) == pytest.approx(expected, abs=1e-4)  # the formula is symmetric


def test_contrast_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


# ---------------------------------------------------------------------- the palette


def test_one_colour_per_technique():
    assert len(TECHNIQUES) == 15
    assert list(PALETTE) == list(TECHNIQUE_IDS) and COLOUR_OF == PALETTE
    assert len(set(PALETTE.values())) == len(TECHNIQUES)


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(TECHNIQUE_IDS, 2)))
def test_every_pair_of_colours_is_told_apart(first, second):
    difference = ciede2000(lab(PALETTE[first]), lab(PALETTE[second]))
    assert difference >= 10, f"{first} {PALETTE[first]} and {second} {PALETTE[second]}: CIEDE2000 {difference:.1f}"


@pytest.mark.parametrize("technique", TECHNIQUE_IDS)
def test_text_on_every_highlight_is_readable_and_marks_show_on_the_page(technique):
    colour = PALETTE[technique]
    assert contrast(TEXT_ON_COLOUR, colour) >= 4.5  # WCAG AA for the text on a highlight or badge
    assert contrast(colour, "#ffffff") >= 3.0  # WCAG non-text contrast for an underline on the white page


# ---------------------------------------------------------------------- evidence segments


def _result(text: str, spans: list[tuple[int, int, int]], offset: int = 0) -> SentenceResult:
    techniques = []
    for k, technique in enumerate(TECHNIQUE_IDS[:3]):
        evidence = tuple(Evidence(offset + a, offset + b, text[a:b], 1.0) for a, b, i in spans if i == k)
        techniques.append(TechniqueScore(technique, 0.9, evidence))
    return SentenceResult(offset, offset + len(text), text, 0.9, tuple(techniques))


def test_overlapping_evidence_is_cut_into_pieces_naming_every_technique():
    sentence = _result("the greatest betrayal ever", [(4, 21, 1), (13, 21, 0)], offset=100)
    assert evidence_segments(sentence) == [(0, 4, ()), (4, 13, (1,)), (13, 21, (0, 1)), (21, 26, ())]


@given(st.text(min_size=1, max_size=40), st.lists(st.tuples(st.integers(-5, 45), st.integers(-5, 45),
                                                               st.integers(0, 2)), max_size=6))
def test_segments_tile_the_sentence_and_name_exactly_the_covering_techniques(text, raw):
    spans = [(min(a, b), max(a, b), i) for a, b, i in raw]
    sentence = _result(text, [(max(a, 0), b, i) for a, b, i in spans if a >= 0])
    pieces = evidence_segments(sentence)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a < b for a, b, _ in pieces) and all(p[1] == q[0] for p, q in zip(pieces, pieces[1:], strict=False))
    for start, end, covering in pieces:
        expected = {i for a, b, i in spans if a >= 0 and max(a, 0) <= start and end <= min(b, len(text))}
        assert set(covering) == expected
