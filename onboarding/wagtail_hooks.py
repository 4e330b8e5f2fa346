"""Registration only: admin URLs, viewsets, the "Onboarding" menu, audit action names, reminder
producers and the portal's panel and menu entry."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

import onboarding.home_panels  # noqa: F401 (registers its panels on the admin home page)
from accounts.areas import AreaMenuItem, AreaPanel
from network.models import Hotline
from network.viewsets.hotlines import HOTLINE_PAGE_PANELS_HOOK
from onboarding import admin_urls, membership_reminders, reminders, selectors
from onboarding.message_viewsets import MessageTemplateViewSet
from onboarding.models import Checklist, CorrectiveAction, RenewalPack, qa_schedules
from onboarding.viewsets import VIEWSETS


@hooks.register("register_admin_urls")
def register_onboarding_urls() -> list:
    return [path("onboarding/", include(admin_urls, namespace="onboarding_admin"))]


@hooks.register("register_admin_viewset")
def register_onboarding_viewsets() -> list:
    return [*VIEWSETS, MessageTemplateViewSet()]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args: Any, permission: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(self.permission)


class LazyUrlMenuItem(PermissionMenuItem):
    """A menu item whose URL is reversed when first needed (URLconfs are not ready at import)."""

    def __init__(self, label: Any, url_name: str, **kwargs: Any) -> None:
        super().__init__(label, "", **kwargs)
        self.url_name = url_name

    def render_component(self, request: HttpRequest) -> Any:
        self.url = reverse(self.url_name)
        return super().render_component(request)


@hooks.register("register_admin_menu_item")
def register_onboarding_menu() -> SubmenuMenuItem:
    items = [
        ("Pipeline board", _("Pipeline board"), "onboarding_admin:board", "onboarding.view_stagechange", "table"),
        ("Candidates", _("Candidates"), "onboarding_admin:candidates", "onboarding.view_stagechange", "list-ul"),
        ("Roundtables", _("Roundtables"), "onboarding_roundtables:index", "onboarding.view_roundtable", "group"),
        ("Action items", _("Action items"), "onboarding_action_items:index", "onboarding.view_actionitem", "tasks"),
        ("Agreements", _("Agreements"), "onboarding_agreements:index", "onboarding.view_agreement", "doc-full"),
        (
            "Expiring agreements",
            _("Expiring in 90 days"),
            "onboarding_admin:agreements_expiring",
            "onboarding.view_agreement",
            "warning",
        ),
        (
            "Country assessments",
            _("Country assessments"),
            "onboarding_assessments:index",
            "onboarding.view_countryassessment",
            "clipboard-list",
        ),
        ("Interactions", _("Interactions"), "onboarding_interactions:index", "onboarding.view_interaction", "comment"),
        ("Coverage", _("Stakeholder coverage"), "onboarding_admin:coverage", "onboarding.view_roundtable", "table"),
        ("Calendar", _("Calendar feed"), "onboarding_admin:calendar", "onboarding.view_roundtable", "date"),
        ("Review queue", _("Review queue"), "onboarding_admin:review_queue", "onboarding.view_checklistitem", "tasks"),
        (
            "Assignments",
            _("My review assignments"),
            "onboarding_admin:assignments",
            "onboarding.view_reviewerassignment",
            "user",
        ),
        (
            "Assessments",
            _("Assessments"),
            "onboarding_admin:assessments",
            "onboarding.view_assessment",
            "clipboard-list",
        ),
        (
            "Member cycle",
            _("Member cycle"),
            "onboarding_admin:member_cycle",
            "onboarding.view_renewalpack",
            "calendar-check",
        ),
        (
            "Checklist templates",
            _("Checklist templates"),
            "onboarding_templates:index",
            "onboarding.change_checklisttemplate",
            "list-ul",
        ),
        (
            "Message templates",
            _("Message templates"),
            "onboarding_message_templates:index",
            "onboarding.change_messagetemplate",
            "mail",
        ),
    ]
    menu = Menu(
        items=[
            LazyUrlMenuItem(
                label,
                url_name,
                name=f"onboarding-{key.lower().replace(' ', '-')}",
                permission=perm,
                icon_name=icon,
                order=index,
            )
            for index, (key, label, url_name, perm, icon) in enumerate(items)
        ]
    )
    return SubmenuMenuItem(_("Onboarding"), menu, name="onboarding", icon_name="site", order=250)


@hooks.register("register_log_actions")
def register_onboarding_actions(actions: Any) -> None:
    actions.register_action("onboarding.stage_change", _("Change stage"), _("Lifecycle stage changed"))
    actions.register_action("onboarding.candidate_create", _("Add candidate"), _("Candidate added"))
    actions.register_action("onboarding.candidate_update", _("Edit candidate"), _("Candidate profile edited"))
    actions.register_action("onboarding.lead_reassign", _("Reassign lead"), _("Lead staff member reassigned"))
    actions.register_action("onboarding.host_create", _("Add host organisation"), _("Host organisation added"))
    actions.register_action("onboarding.minutes_upload", _("Upload minutes"), _("Minutes uploaded"))
    actions.register_action("onboarding.agreement_document", _("Upload agreement"), _("Agreement document uploaded"))
    actions.register_action("onboarding.attendance", _("Record attendance"), _("Attendance recorded"))
    actions.register_action("onboarding.participants.invite", _("Invite to a roundtable"), _("Invited to a roundtable"))
    actions.register_action("onboarding.roundtable_email", _("Email the participants"), _("Participants emailed"))
    actions.register_action("onboarding.candidate_email", _("Email the candidate"), _("Candidate emailed"))
    actions.register_action(
        "onboarding.mou_alternative_propose", _("Propose MoU alternative"), _("MoU alternative proposed")
    )
    actions.register_action(
        "onboarding.mou_alternative_decide", _("Decide MoU alternative"), _("MoU alternative decided")
    )
    actions.register_action("onboarding.import.create", _("Import"), _("Created by a workbook import"))
    actions.register_action("onboarding.import.update", _("Import"), _("Updated by a workbook import"))
    actions.register_action("onboarding.calendar_token_create", _("Create calendar feed"), _("Calendar feed created"))
    actions.register_action("onboarding.calendar_token_revoke", _("Revoke calendar feed"), _("Calendar feed revoked"))
    # The dossier
    for action, label, message in (
        ("template_create", _("Create checklist version"), _("Checklist version created")),
        ("template_publish", _("Publish checklist version"), _("Checklist version published")),
        ("template_retire", _("Retire checklist version"), _("Checklist version retired")),
        ("checklist_create", _("Start checklist"), _("Checklist started")),
        ("checklist_version", _("Move checklist version"), _("Checklist moved to a new version")),
        ("item.edit", _("Save answer"), _("Checklist answer saved")),
        ("item.submit", _("Submit item"), _("Checklist item submitted")),
        ("item.accept", _("Accept item"), _("Checklist item accepted")),
        ("item.request_changes", _("Request changes"), _("Changes requested on a checklist item")),
        ("item.waive", _("Waive item"), _("Checklist item waived")),
        ("item.approve_waiver", _("Approve waiver"), _("Checklist waiver approved")),
        ("item.decline_waiver", _("Decline waiver"), _("Checklist waiver declined")),
        ("item.expire", _("Evidence expired"), _("Checklist item expired with its evidence")),
        ("item.comment", _("Comment"), _("Comment on a checklist item")),
        ("evidence.comment", _("Comment"), _("Comment on an evidence document")),
        ("assessment.comment", _("Comment"), _("Comment on an assessment")),
        ("item.assign", _("Assign item"), _("Checklist item assigned")),
        ("item.evidence_add", _("Add evidence"), _("Evidence added to a checklist item")),
        ("item.evidence_remove", _("Remove evidence"), _("Evidence removed from a checklist item")),
        ("evidence_upload", _("Upload evidence"), _("Evidence uploaded")),
        ("evidence_remove", _("Remove evidence"), _("Evidence document removed from the dossier")),
        ("evidence_replace", _("Replace evidence"), _("Evidence document replaced by a new version")),
        ("item.withdraw", _("Withdraw item"), _("Checklist item withdrawn before review")),
        ("evidence_expire", _("Evidence expired"), _("Evidence document expired")),
        ("reviewer_assign", _("Assign reviewer"), _("Reviewer assigned")),
        ("reviewer_unassign", _("Remove reviewer"), _("Reviewer removed")),
        ("reviewer_declare", _("Declare conflicts"), _("Conflict-of-interest declaration")),
        ("assessment_create", _("Plan assessment"), _("Assessment planned")),
        ("assessment_update", _("Change assessment"), _("Assessment changed")),
        ("assessment_cancel", _("Cancel assessment"), _("Assessment cancelled")),
        ("assessment_findings", _("Record findings"), _("Assessment findings recorded")),
        ("assessment_report", _("Complete report"), _("Assessment report completed")),
        ("corrective_action_create", _("Add corrective action"), _("Corrective action added")),
        ("corrective_action_evidence", _("Add evidence"), _("Evidence added to a corrective action")),
        ("corrective_action_complete", _("Complete corrective action"), _("Corrective action reported done")),
        ("corrective_action_verify", _("Verify corrective action"), _("Corrective action verified or sent back")),
        ("decision_record", _("Record decision"), _("Membership decision recorded")),
        ("decision_correct", _("Correct decision"), _("Membership decision corrected")),
        ("review_save", _("Save review"), _("Review saved")),
        ("review_submit", _("Submit review"), _("Review submitted")),
        ("review_consolidate", _("Consolidate reviews"), _("Consolidated recommendation recorded")),
        ("decision_adopt", _("Record adoption"), _("Decision adopted by the General Assembly")),
        ("decision_letter", _("Send decision letter"), _("Decision letter sent")),
        ("decision_appeal", _("Appeal"), _("Appeal against a membership decision")),
        ("appeal_answer", _("Answer appeal"), _("Appeal answered")),
        # The member cycle
        ("renewal_open", _("Open renewal"), _("Renewal pack opened")),
        ("renewal_declare", _("Re-declare the Code of Practice"), _("Code of Practice re-declared for the renewal")),
        ("renewal_contacts", _("Confirm contacts"), _("Contacts confirmed for the renewal")),
        ("renewal_warn", _("Warn of a lapsed renewal"), _("Renewal lapsed: member and staff warned")),
        ("suspension_propose", _("Propose suspension"), _("Suspension proposed after a lapsed renewal")),
        ("suspension_decide", _("Decide on a suspension proposal"), _("Suspension proposal decided")),
        ("joint_visit_plan", _("Plan joint visit"), _("Joint visit planned")),
        ("qa_certificate_issue", _("Issue certificate"), _("Quality-assurance certificate issued")),
        ("self_assessment_request", _("Ask for a self-assessment"), _("Self-assessment asked of the member")),
        ("self_assessment_save", _("Save self-assessment answers"), _("Self-assessment answers saved")),
        ("self_assessment_evidence", _("Add self-assessment evidence"), _("Document cited in the self-assessment")),
        ("self_assessment_submit", _("Submit self-assessment"), _("Self-assessment submitted")),
    ):
        actions.register_action(f"onboarding.{action}", label, message)


hooks.register(reminders.REMINDER_PRODUCERS_HOOK, reminders.action_item_reminders)
hooks.register(reminders.REMINDER_PRODUCERS_HOOK, reminders.agreement_expiry_reminders)
hooks.register(reminders.REMINDER_PRODUCERS_HOOK, reminders.on_hold_review_reminders)
hooks.register(reminders.REMINDER_PRODUCERS_HOOK, reminders.evidence_expiry_reminders)
hooks.register(reminders.REMINDER_PRODUCERS_HOOK, reminders.evidence_expiring_reminders)
hooks.register(reminders.REMINDER_PRODUCERS_HOOK, reminders.corrective_action_reminders)
hooks.register(reminders.REMINDER_PRODUCERS_HOOK, reminders.checklist_item_reminders)
hooks.register(reminders.REMINDER_PRODUCERS_HOOK, membership_reminders.renewal_reminders)
hooks.register(reminders.REMINDER_PRODUCERS_HOOK, membership_reminders.qa_review_reminders)
hooks.register(reminders.REMINDER_PRODUCERS_HOOK, membership_reminders.self_assessment_reminders)


@hooks.register("portal_menu_items")
def onboarding_portal_menu(request: HttpRequest) -> list[AreaMenuItem]:
    items = []
    if selectors.portal_candidates(user=request.user):
        items.append(AreaMenuItem(order=10, label=str(_("Onboarding")), url=reverse("portal:onboarding_status")))
    checklists = list(Checklist.objects.visible_to(request.user).values_list("hotline_id", flat=True)[:2])
    if len(checklists) == 1:
        url = reverse("portal:onboarding_checklist", args=[checklists[0]])
        items.append(AreaMenuItem(order=11, label=str(_("Checklist")), url=url))
    if CorrectiveAction.objects.visible_to(request.user).exists():
        url = reverse("portal:onboarding_corrective_actions")
        items.append(AreaMenuItem(order=12, label=str(_("Corrective actions")), url=url))
    return items


@hooks.register("portal_home_panels")
def onboarding_portal_panel(request: HttpRequest) -> list[AreaPanel]:
    statuses = [
        (
            selectors.portal_status(user=request.user, hotline=hotline),
            selectors.checklist_overview(user=request.user, hotline=hotline),
        )
        for hotline in selectors.portal_candidates(user=request.user)
    ]
    if not statuses:
        return []
    return [AreaPanel(order=10, template="onboarding/portal/panel.html", context={"statuses": statuses})]


@hooks.register("portal_home_panels")
def my_items_portal_panel(request: HttpRequest) -> list[AreaPanel]:
    """The checklist items assigned to the user that are still on the candidate's side."""
    items = list(selectors.portal_my_items(user=request.user))
    if not items:
        return []
    return [AreaPanel(order=5, template="onboarding/portal/my_items_panel.html", context={"items": items})]


@hooks.register("portal_home_panels")
def corrective_actions_portal_panel(request: HttpRequest) -> list[AreaPanel]:
    actions = [a for a in selectors.portal_corrective_actions(user=request.user) if a.is_open]
    if not actions:
        return []
    context = {"open": len(actions), "overdue": sum(a.overdue for a in actions)}
    return [AreaPanel(order=15, template="onboarding/portal/corrective_actions_panel.html", context=context)]


@hooks.register("register_admin_search_kinds")
def register_search_kinds() -> list:
    from onboarding.search import search_kinds

    return search_kinds()


@hooks.register("portal_menu_items")
def membership_portal_menu(request: HttpRequest) -> list[AreaMenuItem]:
    if not selectors.portal_members(user=request.user).exists():
        return []
    return [AreaMenuItem(order=13, label=str(_("Membership")), url=reverse("portal:membership"))]


@hooks.register("portal_home_panels")
def membership_portal_panel(request: HttpRequest) -> list[AreaPanel]:
    members = list(selectors.portal_members(user=request.user))
    if not members:
        return []
    today = timezone.localdate()
    year = selectors.renewal_year_in_progress(today=today)
    packs = RenewalPack.objects.visible_to(request.user).filter(hotline__in=members, year=year)
    overviews = {o.pack.hotline_id: o for o in selectors.renewal_overviews(packs, today=today)}
    rows = [{"hotline": hotline, "overview": overviews.get(hotline.pk)} for hotline in members]
    return [AreaPanel(order=12, template="onboarding/portal/membership/panel.html", context={"rows": rows})]


@hooks.register(HOTLINE_PAGE_PANELS_HOOK)
def qa_certificate_hotline_panel(request: HttpRequest, hotline: Hotline) -> list[AreaPanel]:
    if hotline.stage not in Hotline.MEMBER_STAGES and not hotline.qa_certificates.exists():
        return []
    certificate = selectors.hotline_certificate(user=request.user, hotline=hotline)
    schedule = qa_schedules(Hotline.objects.filter(pk=hotline.pk)).get(hotline.pk)
    context = {"certificate": certificate, "schedule": schedule}
    return [AreaPanel(order=10, template="onboarding/panels/qa_certificate.html", context=context)]
