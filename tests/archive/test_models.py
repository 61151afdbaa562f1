from archive.extract.types import EVENT_KINDS
from archive.models import Event


def test_event_kinds_are_the_ones_extraction_produces():
    # Extraction is pure Python and cannot import the model: the two lists must stay one.
    assert tuple(Event.Kind.values) == EVENT_KINDS
