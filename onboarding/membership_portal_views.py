"""The member's side of the member cycle in the portal: its renewal pack for the year (status, each
part with where it is done), re-declaring the Code of Practice and confirming the contacts, its
quality-assurance review schedule and certificate. Every page starts from `visible_to(request.user)`:
another organisation's hotline or pack answers 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import portal_user_required
from network.models import Hotline
from onboarding import selectors, services
from onboarding.membership_forms import PortalContactsForm, PortalDeclareForm
from onboarding.models import RenewalPack


def _own_member(request: HttpRequest, pk: int) -> Hotline:
    return get_object_or_404(selectors.portal_members(user=request.user), pk=pk)


def _own_pack(request: HttpRequest, pk: int) -> RenewalPack:
    return get_object_or_404(
        RenewalPack.objects.visible_to(request.user)
        .filter(hotline__in=selectors.portal_members(user=request.user))
        .select_related("hotline__point_of_contact", "hotline__country"),
        pk=pk,
    )


@portal_user_required
def home(request: HttpRequest) -> HttpResponse:
    members = list(selectors.portal_members(user=request.user))
    if not members:
        raise Http404(_("Your organisation does not host a member hotline."))
    if len(members) == 1:
        return redirect("portal:membership_hotline", members[0].pk)
    return render(request, "onboarding/portal/membership/list.html", {"members": members})


@portal_user_required
def hotline(request: HttpRequest, pk: int) -> HttpResponse:
    member = _own_member(request, pk)
    cycle = selectors.member_cycle(user=request.user, hotline=member, today=timezone.localdate())
    return render(
        request,
        "onboarding/portal/membership/hotline.html",
        {
            "hotline": member,
            "cycle": cycle,
            "today": timezone.localdate(),
            "first_review_months": settings.QA_FIRST_REVIEW_MONTHS,
        },
    )


def _record(request: HttpRequest, pack: RenewalPack, form, write, done: str) -> HttpResponse | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        write()
    except (ValidationError, PermissionDenied) as exc:
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        return None
    messages.success(request, done)
    return redirect("portal:membership_hotline", pack.hotline_id)


@portal_user_required
def declare(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _own_pack(request, pk)
    form = PortalDeclareForm(request.POST if request.method == "POST" else None)
    response = _record(
        request,
        pack,
        form,
        lambda: services.renewal_declare_code(pack=pack, acting_user=request.user),
        _("Code of Practice re-declared for %(year)s.") % {"year": pack.year},
    )
    if response:
        return response
    status = 400 if form.is_bound and form.errors else 200
    context = {"pack": pack, "hotline": pack.hotline, "form": form}
    return render(request, "onboarding/portal/membership/declare.html", context, status=status)


@portal_user_required
def contacts(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _own_pack(request, pk)
    form = PortalContactsForm(request.POST if request.method == "POST" else None)
    response = _record(
        request,
        pack,
        form,
        lambda: services.renewal_confirm_contacts(pack=pack, acting_user=request.user),
        _("Contacts confirmed for %(year)s.") % {"year": pack.year},
    )
    if response:
        return response
    cycle = selectors.member_cycle(user=request.user, hotline=pack.hotline, today=timezone.localdate())
    status = 400 if form.is_bound and form.errors else 200
    context = {"pack": pack, "hotline": pack.hotline, "form": form, "contacts": cycle.contacts}
    return render(request, "onboarding/portal/membership/contacts.html", context, status=status)
