"""The Network menu lists exactly what `visible_to(user)` returns, for every role that may open it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from network.viewsets import NetworkViewSet, NetworkViewSetGroup

# These tests read `response.context`.
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]


def test_every_network_listing_shows_what_visible_to_returns(
    client_for, staff_user, capacity_user, editor_user, side_a, side_b
):
    viewsets = [item for item in NetworkViewSetGroup.items if issubclass(item, NetworkViewSet)]
    assert len(viewsets) == 10
    for user in (staff_user, capacity_user, editor_user, side_a.user):
        client = client_for(user)
        for viewset in viewsets:
            model = viewset.model
            response = client.get(reverse(f"{viewset.name}:index"))
            if not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
                assert response.status_code == 302, (user, viewset.name)
                continue
            assert response.status_code == 200, (user, viewset.name)
            visible = set(model._default_manager.visible_to(user).values_list("pk", flat=True))
            page = response.context["page_obj"]
            assert {obj.pk for obj in page.object_list} <= visible, (user, viewset.name)
            assert page.paginator.count == len(visible), (user, viewset.name)
