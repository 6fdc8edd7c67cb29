import pytest

from tests.factories import ContactFactory, DebriefFactory, MeetingFactory


@pytest.fixture
def lena(alice):
    """A tier-1 contact of Alice's."""
    return ContactFactory(owner=alice, name="Lena Fischer", organisation="Halden")


@pytest.fixture
def meeting(alice, lena):
    """A meeting Alice held yesterday with Lena."""
    return MeetingFactory(owner=alice, contact=lena)


@pytest.fixture
def debrief(meeting):
    return DebriefFactory(meeting=meeting, thank_you_sent_on=None, version=1)
