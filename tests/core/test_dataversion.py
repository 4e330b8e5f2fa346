import pytest

from core import dataversion
from network.models import Country, Organisation

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


def test_writes_inside_deferred_bump_once_at_the_end_and_only_the_topics_they_touch():
    from cms.selectors import REGISTRY_TOPIC

    before, registry_before = dataversion.current(), dataversion.current(REGISTRY_TOPIC)
    with dataversion.deferred():
        Organisation.objects.create(name="Deferred Org", type="ngo", country_id="KE")
        with dataversion.deferred():  # nested: the outer block bumps
            Organisation.objects.create(name="Deferred Org 2", type="ngo", country_id="GH")
        assert dataversion.current() == before
        assert dataversion.current(REGISTRY_TOPIC) == registry_before
    assert dataversion.current() == before + 1
    # The public pages do not read organisations; they read countries.
    assert dataversion.current(REGISTRY_TOPIC) == registry_before
    with dataversion.deferred():
        Country.objects.filter(code="KE").first().save()
        Country.objects.filter(code="GH").first().save()
    assert dataversion.current(REGISTRY_TOPIC) == registry_before + 1


def test_a_deferred_block_that_fails_still_bumps_what_it_wrote():
    before = dataversion.current()
    with pytest.raises(RuntimeError), dataversion.deferred():
        Organisation.objects.create(name="Deferred Org 3", type="ngo", country_id="KE")
        raise RuntimeError("stop")
    assert dataversion.current() == before + 1
    with dataversion.deferred():
        pass
    assert dataversion.current() == before + 1


def test_each_model_has_its_own_version_and_a_bump_naming_none_moves_every_one():
    from network.models import Hotline

    key, every = dataversion.model_key("network.Organisation"), dataversion.EVERY_MODEL
    before = dataversion.model_versions()
    Organisation.objects.create(name="Model-versioned Org", type="ngo", country_id="KE")
    after = dataversion.model_versions()
    assert after[key] > before[key]
    assert after[dataversion.model_key("network.Country")] == before[dataversion.model_key("network.Country")]
    assert after[every] == before[every]
    dataversion.bump(Hotline)  # a bulk write names what it wrote
    assert (
        dataversion.model_versions()[dataversion.model_key("network.Hotline")]
        > after[dataversion.model_key("network.Hotline")]
    )
    dataversion.bump()
    assert dataversion.model_versions()[every] > after[every]


def test_the_tables_a_query_reads_are_named_joins_and_subqueries_included():
    from django.db.models import Exists, OuterRef

    from network.models import Hotline

    with dataversion.tables_read() as read:
        list(
            Organisation.objects.filter(country__programme_region="europe")
            .filter(Exists(Hotline.objects.filter(host_organisation=OuterRef("pk"))))
            .values_list("name", flat=True)
        )
    assert read.labels == {"network.Organisation", "network.Country", "network.Hotline"}
    with dataversion.tables_read() as read:
        from accounts.models import User

        list(User.objects.all())  # not a tracked model: writes to it move no data version
    assert read.labels == set()
