"""The member hotline's pages in the portal (/portal/hotlines/...).

Every view starts from the user's own member hotlines (`selectors.portal_hotlines`, built on
`Hotline.objects.visible_to`); any other hotline, or a record of another hotline, answers 404.
Writes go through `network.services`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import portal_user_required
from network import selectors, services
from network.forms import (
    AnalystForm,
    AnnualProfileForm,
    NominationForm,
    PublicProfileForm,
    StatisticsAnswerForm,
    StatisticsForm,
)
from network.models import (
    Analyst,
    Hotline,
    HotlineAnnualProfile,
    HotlineStatistics,
    StatisticsMessage,
    TrainingParticipation,
)


def _data(request: HttpRequest) -> Any:
    """The submitted data on POST (even when empty, so the form is bound and says what is missing)."""
    return request.POST if request.method == "POST" else None


def _hotline(request: HttpRequest, pk: int) -> Hotline:
    return get_object_or_404(selectors.portal_hotlines(user=request.user), pk=pk)


def _apply_errors(form: BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _save(form: BaseForm, write: Callable[[], Any]) -> bool:
    """Run a service with the form's data; its validation errors land on the form's fields."""
    if not form.is_valid():
        return False
    try:
        write()
    except ValidationError as exc:
        _apply_errors(form, exc)
        return False
    return True


def _form_page(request: HttpRequest, hotline: Hotline, form: BaseForm, *, title: str, intro: str = "", **extra: Any):
    context = {"hotline": hotline, "form": form, "title": title, "intro": intro, **extra}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "network/portal/form.html", context, status=status)


@portal_user_required
def hotline_home(request: HttpRequest) -> HttpResponse:
    hotlines = list(selectors.portal_hotlines(user=request.user))
    if not hotlines:
        raise Http404(_("Your organisation does not host a member hotline."))
    if len(hotlines) == 1:
        return redirect("portal:network_overview", pk=hotlines[0].pk)
    return render(request, "network/portal/hotline_list.html", {"hotlines": hotlines})


@portal_user_required
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    hotline = _hotline(request, pk)
    today = timezone.localdate()
    analysts = selectors.portal_analysts(hotline=hotline, today=today)
    context = {
        "hotline": hotline,
        "countries_served": list(hotline.countries_served.order_by("name")),
        "due": selectors.returns_due(hotline=hotline, today=today),
        "active_analysts": sum(1 for a in analysts if a.is_active),
        "coverage": selectors.training_coverage(hotline=hotline, today=today),
        "expiring": list(selectors.expiring_certificates(hotline=hotline, today=today)),
        "upcoming_count": selectors.upcoming_events(user=request.user, today=today).count(),
    }
    return render(request, "network/portal/overview.html", context)


@portal_user_required
def public_profile(request: HttpRequest, pk: int) -> HttpResponse:
    hotline = _hotline(request, pk)
    form = PublicProfileForm(_data(request), instance=hotline)
    if request.method == "POST" and _save(
        form,
        lambda: services.hotline_update_profile(hotline=hotline, values=form.cleaned_data, acting_user=request.user),
    ):
        messages.success(request, _("Your public profile was saved."))
        return redirect("portal:network_overview", pk=hotline.pk)
    return _form_page(
        request,
        hotline,
        form,
        title=_("Public profile"),
        intro=_("What the public “where to report” directory shows about your hotline."),
    )


# -- annual capacity profiles ------------------------------------------------------------------------
@portal_user_required
def annual_profiles(request: HttpRequest, pk: int) -> HttpResponse:
    hotline = _hotline(request, pk)
    profiles = HotlineAnnualProfile.objects.visible_to(request.user).filter(hotline=hotline).order_by("-year")
    return render(request, "network/portal/annual_profiles.html", {"hotline": hotline, "profiles": profiles})


@portal_user_required
def annual_profile_add(request: HttpRequest, pk: int) -> HttpResponse:
    hotline = _hotline(request, pk)
    initial = {"year": timezone.localdate().year}
    form = AnnualProfileForm(_data(request), instance=HotlineAnnualProfile(hotline=hotline), initial=initial)
    if request.method == "POST" and _save(
        form,
        lambda: services.annual_profile_submit(hotline=hotline, values=form.cleaned_data, acting_user=request.user),
    ):
        messages.success(request, _("Your annual capacity profile was submitted."))
        return redirect("portal:network_annual_profiles", pk=hotline.pk)
    return _form_page(request, hotline, form, title=_("New annual capacity profile"))


@portal_user_required
def annual_profile_edit(request: HttpRequest, pk: int, profile_pk: int) -> HttpResponse:
    hotline = _hotline(request, pk)
    profile = get_object_or_404(
        HotlineAnnualProfile.objects.visible_to(request.user).filter(hotline=hotline), pk=profile_pk
    )
    form = AnnualProfileForm(_data(request), instance=profile)
    if request.method == "POST" and _save(
        form,
        lambda: services.annual_profile_update(profile=profile, values=form.cleaned_data, acting_user=request.user),
    ):
        messages.success(request, _("Your annual capacity profile was saved."))
        return redirect("portal:network_annual_profiles", pk=hotline.pk)
    return _form_page(request, hotline, form, title=_("Annual capacity profile %(year)s") % {"year": profile.year})


# -- statistics returns --------------------------------------------------------------------------------
@portal_user_required
def statistics(request: HttpRequest, pk: int) -> HttpResponse:
    hotline = _hotline(request, pk)
    returns = HotlineStatistics.objects.visible_to(request.user).filter(hotline=hotline).order_by("-period_start")
    return render(request, "network/portal/statistics.html", {"hotline": hotline, "returns": returns})


@portal_user_required
def statistics_add(request: HttpRequest, pk: int) -> HttpResponse:
    hotline = _hotline(request, pk)
    year = selectors.first_year_without_return(hotline=hotline, today=timezone.localdate())
    initial = {"period_start": f"{year}-01-01", "period_end": f"{year}-12-31"} if year else {}
    form = StatisticsForm(_data(request), instance=HotlineStatistics(hotline=hotline), initial=initial)
    if request.method == "POST" and _save(
        form,
        lambda: services.statistics_submit(hotline=hotline, values=form.cleaned_data, acting_user=request.user),
    ):
        messages.success(request, _("Your statistics return was submitted. The association will validate it."))
        return redirect("portal:network_statistics", pk=hotline.pk)
    return _form_page(
        request,
        hotline,
        form,
        title=_("New statistics return"),
        intro=_("Aggregate numbers only: never report contents or URLs."),
    )


@portal_user_required
def statistics_edit(request: HttpRequest, pk: int, return_pk: int) -> HttpResponse:
    hotline = _hotline(request, pk)
    statistics_return = get_object_or_404(
        HotlineStatistics.objects.visible_to(request.user).filter(hotline=hotline), pk=return_pk
    )
    if statistics_return.validation_status == HotlineStatistics.Validation.VALIDATED:
        messages.info(request, _("This return has been validated and can no longer be changed."))
        return redirect("portal:network_statistics", pk=hotline.pk)
    queried = statistics_return.validation_status == HotlineStatistics.Validation.QUERIED
    form = (StatisticsAnswerForm if queried else StatisticsForm)(_data(request), instance=statistics_return)
    if request.method == "POST" and _save(
        form,
        lambda: services.statistics_update(
            statistics=statistics_return,
            values={name: value for name, value in form.cleaned_data.items() if name != "answer"},
            answer=form.cleaned_data.get("answer", ""),
            acting_user=request.user,
        ),
    ):
        messages.success(
            request,
            _("Your answer was sent and the return resubmitted.")
            if queried
            else _("Your statistics return was saved."),
        )
        return redirect("portal:network_statistics", pk=hotline.pk)
    context = {
        "hotline": hotline,
        "form": form,
        "title": _("Statistics return %(period)s") % {"period": statistics_return.period_label},
        "intro": _("Aggregate numbers only: never report contents or URLs."),
        "queried": queried,
        "exchange": list(
            StatisticsMessage.objects.visible_to(request.user)
            .filter(statistics=statistics_return)
            .select_related("author")
        ),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "network/portal/statistics_return.html", context, status=status)


# -- analysts ------------------------------------------------------------------------------------------
@portal_user_required
def analysts(request: HttpRequest, pk: int) -> HttpResponse:
    hotline = _hotline(request, pk)
    today = timezone.localdate()
    context = {
        "hotline": hotline,
        "analysts": selectors.portal_analysts(hotline=hotline, today=today),
        "expiry_cutoff": selectors.expiry_cutoff(today),
        "today": today,
    }
    return render(request, "network/portal/analysts.html", context)


@portal_user_required
def analyst_add(request: HttpRequest, pk: int) -> HttpResponse:
    hotline = _hotline(request, pk)
    form = AnalystForm(_data(request), instance=Analyst(hotline=hotline))
    if request.method == "POST" and _save(
        form, lambda: services.analyst_register(hotline=hotline, values=form.cleaned_data, acting_user=request.user)
    ):
        messages.success(request, _("Analyst %(code)s was registered.") % {"code": form.cleaned_data["code"]})
        return redirect("portal:network_analysts", pk=hotline.pk)
    return _form_page(
        request,
        hotline,
        form,
        title=_("Register an analyst"),
        intro=_("Analysts are known to the association only by the pseudonymous code your hotline holds."),
    )


@portal_user_required
def analyst_edit(request: HttpRequest, pk: int, analyst_pk: int) -> HttpResponse:
    hotline = _hotline(request, pk)
    analyst = get_object_or_404(Analyst.objects.visible_to(request.user).filter(hotline=hotline), pk=analyst_pk)
    form = AnalystForm(_data(request), instance=analyst)
    if request.method == "POST" and _save(
        form, lambda: services.analyst_update(analyst=analyst, values=form.cleaned_data, acting_user=request.user)
    ):
        messages.success(request, _("Analyst %(code)s was saved.") % {"code": form.cleaned_data["code"]})
        return redirect("portal:network_analysts", pk=hotline.pk)
    return _form_page(request, hotline, form, title=_("Analyst %(code)s") % {"code": analyst.code})


# -- training -------------------------------------------------------------------------------------------
@portal_user_required
def training(request: HttpRequest, pk: int) -> HttpResponse:
    hotline = _hotline(request, pk)
    today = timezone.localdate()
    context = {
        "hotline": hotline,
        "events": selectors.upcoming_events(user=request.user, today=today),
        "participations": selectors.hotline_participations(hotline=hotline, user=request.user),
    }
    return render(request, "network/portal/training.html", context)


@portal_user_required
def training_nominate(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    hotline = _hotline(request, pk)
    today = timezone.localdate()
    event = get_object_or_404(selectors.upcoming_events(user=request.user, today=today), pk=event_pk)
    form = NominationForm(_data(request), hotline=hotline, event=event)
    if request.method == "POST" and _save(
        form,
        lambda: services.training_nominate(
            event=event, analysts=list(form.cleaned_data["analysts"]), acting_user=request.user
        ),
    ):
        messages.success(
            request,
            _("Nominated %(codes)s for %(event)s.")
            % {"codes": ", ".join(a.code for a in form.cleaned_data["analysts"]), "event": event},
        )
        return redirect("portal:network_training", pk=hotline.pk)
    return _form_page(
        request,
        hotline,
        form,
        title=_("Nominate analysts"),
        intro=_("%(event)s, %(start)s to %(end)s, %(place)s.")
        % {"event": event, "start": event.starts_on, "end": event.ends_on, "place": event.place},
    )


@portal_user_required
@require_POST
def nomination_withdraw(request: HttpRequest, pk: int, participation_pk: int) -> HttpResponse:
    """Withdraw a nomination; the service refuses one that is not withdrawable
    (`TrainingParticipation.withdrawal_refusal`) and the page says why."""
    hotline = _hotline(request, pk)
    participation = get_object_or_404(
        TrainingParticipation.objects.visible_to(request.user).filter(analyst__hotline=hotline),
        pk=participation_pk,
    )
    try:
        services.participation_withdraw(participation=participation, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The nomination was withdrawn."))
    return redirect("portal:network_training", pk=hotline.pk)
