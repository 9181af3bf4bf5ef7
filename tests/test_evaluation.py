"""What a citation counts as evidence for, when answers are scored."""
import pytest

from app.evaluation import citation_evidence, must_include_ok


@pytest.mark.parametrize("citation, expected", [
    ({"kind": "table", "row": 5, "section": "4-2", "paragraph": "table2.5"},
     {"table2:row5", "table2", "sec:4-2", "sec:4"}),
    ({"kind": "paragraph", "section": "4-1-4", "paragraph": "4-1-4.2"}, {"sec:4-1-4", "sec:4-1", "sec:4"}),
    ({"kind": "paragraph", "section": "4-2", "paragraph": "table1.3"}, {"table1", "sec:4-2", "sec:4"}),
    ({"kind": "paragraph", "section": None, "paragraph": ""}, set()),
])
def test_citation_evidence(citation, expected):
    assert set(citation_evidence(citation)) == expected


@pytest.mark.parametrize("answer, must, ok", [
    ("Tehran signed with Hanoi.", ["Hanoi|هانوی"], True),
    ("تهران با هانوی پیوند بست.", ["Hanoi|هانوی"], True),
    ("Tehran signed with Hanoi.", ["Hanoi", "Seoul"], False),
])
def test_must_include(answer, must, ok):
    assert must_include_ok(answer, must) is ok
