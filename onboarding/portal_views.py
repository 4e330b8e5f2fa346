"""The hotline portal's onboarding pages: a candidate's own users see their stage, progress, what is
missing, upcoming roundtables and agreements, and may submit the application when it is ready.
Every page starts from `visible_to(request.user)`; another organisation's candidate answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.access import portal_user_required
from network.models import Hotline
from onboarding import selectors, services, workflow
from onboarding.downloads import ics_response
from onboarding.forms import PortalSubmitForm
from onboarding.models import ActionItem, Roundtable, RoundtableParticipant


def _own_candidate(request: HttpRequest, pk: int) -> Hotline:
    return get_object_or_404(
        Hotline.objects.visible_to(request.user)
        .in_stage(*selectors.PORTAL_STAGES)
        .select_related("country", "host_organisation"),
        pk=pk,
    )


@portal_user_required
def status(request: HttpRequest) -> HttpResponse:
    candidates = selectors.portal_candidates(user=request.user)
    if len(candidates) == 1:
        return redirect("portal:onboarding_candidate", candidates[0].pk)
    return render(request, "onboarding/portal/status_list.html", {"candidates": candidates})


@portal_user_required
def candidate(request: HttpRequest, pk: int) -> HttpResponse:
    hotline = _own_candidate(request, pk)
    return render(
        request,
        "onboarding/portal/candidate.html",
        {"status": selectors.portal_status(user=request.user, hotline=hotline), "hotline": hotline},
    )


@portal_user_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    hotline = _own_candidate(request, pk)
    status = selectors.portal_status(user=request.user, hotline=hotline)
    form = PortalSubmitForm(request.POST or None, initial={"expected_stage": hotline.stage})
    if request.method == "POST" and form.is_valid():
        message = form.cleaned_data["message"].strip()
        try:
            services.hotline_transition(
                hotline=hotline,
                transition="submit_application",
                reason=message or _("Application submitted through the portal."),
                expected_stage=form.cleaned_data["expected_stage"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your application was submitted. The association will be in touch."))
            return redirect("portal:onboarding_candidate", hotline.pk)
    return render(
        request,
        "onboarding/portal/submit.html",
        {"hotline": hotline, "status": status, "form": form, "submit_label": workflow.stage_label(hotline.stage)},
    )


def _own_roundtable(request: HttpRequest, pk: int) -> Roundtable:
    return get_object_or_404(Roundtable.objects.visible_to(request.user).select_related("country", "hotline"), pk=pk)


@portal_user_required
def roundtable(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_roundtable(request, pk)
    return render(
        request,
        "onboarding/portal/roundtable.html",
        {
            "roundtable": item,
            "participants": RoundtableParticipant.objects.visible_to(request.user)
            .filter(roundtable=item)
            .select_related("organisation"),
            "action_items": ActionItem.objects.visible_to(request.user)
            .filter(roundtable=item)
            .select_related("owner_organisation", "owner_user"),
        },
    )


@portal_user_required
def roundtable_ics(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_roundtable(request, pk)
    return ics_response([selectors.roundtable_event(item)], name=item.title, filename=item.code)
