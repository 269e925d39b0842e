import pytest

from detector import DataError
from detector.markup import parse_markup


def test_markers_become_spans_over_the_plain_text():
    text, spans = parse_markup("The {{loaded_language|shameful}} plan of {{name_calling,loaded_language|eco-zealots}}.")
    assert text == "The shameful plan of eco-zealots."
    assert [(text[s.start:s.end], s.technique) for s in spans] == [
        ("shameful", "loaded_language"), ("eco-zealots", "name_calling"), ("eco-zealots", "loaded_language")]


@pytest.mark.parametrize("marked, message", [
    ("a {{loaded_language|b}} c {{ d", "unbalanced"),
    ("{{spin|words}}", "unknown technique"),
    ("{{doubt| words}}", "bad marker"),
    ("line one\n{{doubt|x {{slogan|y}} z}}", "line 2|:2"),
])
def test_bad_markup_is_reported_with_its_line(marked, message):
    with pytest.raises(DataError, match=message):
        parse_markup(marked)
