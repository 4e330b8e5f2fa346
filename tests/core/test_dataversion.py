import pytest

from core import dataversion
from network.models import Organisation

pytestmark = pytest.mark.django_db


def test_writes_to_tracked_models_bump_the_version(django_capture_on_commit_callbacks):
    before = dataversion.current()
    with django_capture_on_commit_callbacks(execute=True):
        org = Organisation.objects.create(name="Versioned Org", type="ngo", country_id="KE")
    after_create = dataversion.current()
    assert after_create > before
    org.delete()
    assert dataversion.current() > after_create


def test_untracked_writes_do_not_bump():
    from accounts.models import User

    before = dataversion.current()
    User.objects.create_user(email="nobump@example.org")
    assert dataversion.current() == before
