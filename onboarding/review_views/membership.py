"""Staff screens of the member cycle: the board of renewals and quality-assurance reviews for a year,
opening a year's renewals (confirm, then act), deciding on a proposal to suspend (through the
lifecycle's `suspend` transition, or dismissed with a reason), planning a joint visit. Every object is
read through `visible_to(user)`; the rules live in `onboarding.selectors.membership` and the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from core.confirm import ConfirmFirstMixin, spelled_date
from network.models import Hotline
from onboarding import selectors, services
from onboarding.admin_views import AdminPage, OnboardingAdminMixin, _add_errors
from onboarding.membership_forms import JointVisitForm, OpenRenewalsForm, ProposalDecisionForm
from onboarding.models import (
    RenewalStatus,
    SuspensionProposal,
    renewal_due_on,
    renewal_grace_until,
    renewal_last_year,
    renewal_year_can_open,
    renewal_year_in_range,
    renewal_year_to_open,
)
from onboarding.services.lifecycle import StageChangedMeanwhile


def _year(request: HttpRequest) -> tuple[int, str | None]:
    """The year asked for (`?year=`), else the renewal year in progress; with a message naming a
    wrong value."""
    today = timezone.localdate()
    raw = request.GET.get("year", "").strip()
    if raw.isdigit() and renewal_year_in_range(int(raw), today):
        return int(raw), None
    year = selectors.renewal_year_in_progress(today=today)
    if not raw:
        return year, None
    return year, _("“%(value)s” is not a year from 2000 to %(last)s: showing %(year)s.") % {
        "value": raw,
        "last": renewal_last_year(today),
        "year": year,
    }


class MemberCycleView(AdminPage):
    permission_required = "onboarding.view_renewalpack"
    template_name = "onboarding/admin/membership/board.html"
    page_title = gettext_lazy("Member cycle")
    header_icon = "calendar-check"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        today = timezone.localdate()
        year, problem = _year(self.request)
        board = selectors.member_cycle_board(user=self.request.user, year=year, today=today)
        return {
            **super().get_context_data(**kwargs),
            "board": board,
            "year_problem": problem,
            "statuses": [(status, RenewalStatus(status).label, board.counts[status]) for status in RenewalStatus],
            "due_on": renewal_due_on(year),
            "grace_until": renewal_grace_until(renewal_due_on(year)),
            "may_still_open": renewal_year_can_open(year, today),
            "today": today,
            "years": list(range(renewal_last_year(today), today.year - 4, -1)),
            "may_open": self.request.user.has_perm("onboarding.add_renewalpack"),
            "may_plan": self.request.user.has_perm("onboarding.add_jointvisit"),
            "may_ask": self.request.user.has_perm("onboarding.add_selfassessment"),
        }


class RenewalsOpenView(ConfirmFirstMixin, OnboardingAdminMixin, FormView):
    permission_required = "onboarding.add_renewalpack"
    template_name = "onboarding/admin/form.html"
    form_class = OpenRenewalsForm
    page_title = gettext_lazy("Open renewals for a year")
    header_icon = "calendar-check"
    confirm_label = gettext_lazy("Open the renewals")

    def get_initial(self) -> dict[str, Any]:
        return {"year": renewal_year_to_open(timezone.localdate())}

    def consequences(self, form: OpenRenewalsForm) -> list[str]:
        year = form.cleaned_data["year"]
        due_on = renewal_due_on(year)
        waiting = Hotline.objects.members().exclude(renewal_packs__year=year).count()
        return [
            _("%(count)s member(s) without a %(year)s pack get one; members that have one keep it.")
            % {"count": waiting, "year": year},
            _("Due on %(due)s, grace until %(grace)s.")
            % {"due": spelled_date(due_on), "grace": spelled_date(renewal_grace_until(due_on))},
            _("Each member's portal users are emailed."),
        ]

    def confirmed_valid(self, form: OpenRenewalsForm) -> HttpResponse:
        year = form.cleaned_data["year"]
        try:
            opened = services.renewal_open_for_year(year=year, acting_user=self.request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(count)s renewal pack(s) opened for %(year)s.") % {"count": len(opened), "year": year},
        )
        return redirect(f"{reverse('onboarding_admin:member_cycle')}?year={year}")


class SuspensionProposalView(ConfirmFirstMixin, OnboardingAdminMixin, FormView):
    permission_required = "onboarding.change_suspensionproposal"
    template_name = "onboarding/admin/membership/proposal.html"
    form_class = ProposalDecisionForm
    page_title = gettext_lazy("Proposal to suspend")
    header_icon = "warning"
    confirm_label = gettext_lazy("Record the decision")

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.proposal = get_object_or_404(
            SuspensionProposal.objects.visible_to(request.user).select_related("hotline__country", "pack"),
            pk=kwargs["pk"],
        )
        self.overview = selectors.renewal_overviews([self.proposal.pack], today=timezone.localdate())[0]

    def get_page_subtitle(self) -> str:
        return self.proposal.hotline.brand_name

    def get_initial(self) -> dict[str, Any]:
        return {"expected_stage": self.proposal.hotline.stage}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "proposal": self.proposal, "overview": self.overview}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.proposal.is_open:
            messages.error(request, _("This proposal was already decided."))
            return redirect("onboarding_admin:suspension_proposal", self.proposal.pk)
        return super().post(request, *args, **kwargs)

    def consequences(self, form: ProposalDecisionForm) -> list[str]:
        data = form.cleaned_data
        hotline = self.proposal.hotline
        if data["decision"] == ProposalDecisionForm.DISMISS:
            return [
                _("The proposal is dismissed; %(hotline)s stays a %(stage)s.")
                % {"hotline": hotline.brand_name, "stage": hotline.get_stage_display().lower()},
                _("Reason recorded: %(reason)s") % {"reason": data["reason"]},
            ]
        lines = [
            _("%(hotline)s moves from %(stage)s to suspended (lifecycle: suspend), with your reason in its history.")
            % {"hotline": hotline.brand_name, "stage": hotline.get_stage_display().lower()},
            _("Its users and lead staff member are told."),
        ]
        if data["review_date"]:
            lines.append(_("Review the suspension by %(date)s.") % {"date": spelled_date(data["review_date"])})
        return lines

    def confirmed_valid(self, form: ProposalDecisionForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            if data["decision"] == ProposalDecisionForm.SUSPEND:
                services.suspension_proposal_suspend(
                    proposal=self.proposal,
                    reason=data["reason"],
                    review_date=data["review_date"],
                    expected_stage=data["expected_stage"],
                    acting_user=self.request.user,
                )
                messages.success(self.request, _("%(hotline)s is suspended.") % {"hotline": self.proposal.hotline})
            else:
                services.suspension_proposal_dismiss(
                    proposal=self.proposal, reason=data["reason"], acting_user=self.request.user
                )
                messages.success(self.request, _("The proposal is dismissed."))
        except StageChangedMeanwhile as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        return redirect("onboarding_admin:member_cycle")


class JointVisitCreateView(OnboardingAdminMixin, FormView):
    permission_required = "onboarding.add_jointvisit"
    template_name = "onboarding/admin/form.html"
    form_class = JointVisitForm
    page_title = gettext_lazy("Plan a joint visit")
    header_icon = "group"

    def get_form_kwargs(self) -> dict[str, Any]:
        members = Hotline.objects.visible_to(self.request.user).members().select_related("country")
        return {**super().get_form_kwargs(), "members": members.order_by("country__name", "brand_name")}

    def form_valid(self, form: JointVisitForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            visit = services.joint_visit_plan(
                reference=data["reference"],
                title=data["title"],
                mode=data["mode"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                hotlines=list(data["hotlines"]),
                notes=data["notes"],
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Joint visit %(reference)s planned: one quality-assurance review per hotline.")
            % {"reference": visit.reference},
        )
        return redirect("onboarding_admin:member_cycle")
