"""A queried statistics return: staff ask a question, the member sees it beside the return, answers and
resubmits, and the exchange is kept; another hotline never sees it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import OutgoingEmail
from network import services
from network.models import HotlineStatistics, StatisticsMessage

pytestmark = pytest.mark.django_db


def _form_data(statistics: HotlineStatistics, **changes: object) -> dict[str, object]:
    data = {
        "period_start": statistics.period_start.isoformat(),
        "period_end": statistics.period_end.isoformat(),
        "reports_received": statistics.reports_received,
        "content_urls_processed": statistics.content_urls_processed,
        "share_assessed_illegal": statistics.share_assessed_illegal or "",
        "share_removed_within_3_days": statistics.share_removed_within_3_days or "",
        "share_referred_le_within_3_days": statistics.share_referred_le_within_3_days or "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_staff_query_a_return_and_the_member_answers_and_resubmits(client_for, staff_user, side_a, side_b):
    statistics = side_a.statistics
    OutgoingEmail.objects.all().delete()
    admin = client_for(staff_user)
    query_url = reverse("network_statistics:query", args=[statistics.pk])
    assert admin.get(query_url).status_code == 200
    asked = admin.post(query_url, {"question": "Reports received look low against last year: please check."})
    assert asked.status_code == 302
    statistics.refresh_from_db()
    assert statistics.validation_status == HotlineStatistics.Validation.QUERIED
    email = OutgoingEmail.objects.get()
    assert email.to == [side_a.user.email] and "please check" in email.body

    # The member sees the query beside the return, and must answer to resubmit.
    member = client_for(side_a.user)
    listing = member.get(reverse("portal:network_statistics", args=[side_a.hotline.pk])).content.decode()
    assert "Answer the query" in listing
    edit_url = reverse("portal:network_statistics_edit", args=[side_a.hotline.pk, statistics.pk])
    page = member.get(edit_url).content.decode()
    assert "Reports received look low against last year" in page and 'name="answer"' in page
    refused = member.post(edit_url, _form_data(statistics))
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    statistics.refresh_from_db()
    assert statistics.validation_status == HotlineStatistics.Validation.QUERIED
    done = member.post(
        edit_url,
        _form_data(
            statistics, reports_received=statistics.reports_received + 120, answer="Corrected: one month missed."
        ),
    )
    assert done.status_code == 302
    statistics.refresh_from_db()
    assert statistics.validation_status == HotlineStatistics.Validation.SUBMITTED
    assert [(m.kind, m.author) for m in statistics.messages.all()] == [
        ("query", staff_user),
        ("answer", side_a.user),
    ]
    assert OutgoingEmail.objects.filter(to=[staff_user.email], subject__contains="answered your query").exists()
    # The exchange stays on the return, for both sides; another hotline sees none of it.
    assert "Corrected: one month missed." in admin.get(query_url).content.decode()
    assert "Corrected: one month missed." in member.get(edit_url).content.decode()
    other = client_for(side_b.user)
    assert other.get(edit_url).status_code == 404
    assert not StatisticsMessage.objects.visible_to(side_b.user).exists()
    assert StatisticsMessage.objects.visible_to(side_a.user).count() == 2


def test_only_network_staff_query_and_a_question_is_required(staff_user, capacity_user, side_a):
    with pytest.raises(PermissionDenied):
        services.statistics_query(statistics=side_a.statistics, question="Why?", acting_user=side_a.user)
    with pytest.raises(PermissionDenied):
        services.statistics_query(statistics=side_a.statistics, question="Why?", acting_user=capacity_user)
    with pytest.raises(ValidationError) as refused:
        services.statistics_query(statistics=side_a.statistics, question="  ", acting_user=staff_user)
    assert "Write the question" in " ".join(refused.value.messages)
    side_a.statistics.refresh_from_db()
    assert side_a.statistics.validation_status != HotlineStatistics.Validation.QUERIED
    assert not StatisticsMessage.objects.exists()
