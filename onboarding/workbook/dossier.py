"""Sheets of the dossier: checklist templates and items, checklists, item states, comments,
evidence documents and links, reviewer assignments."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.functions import TruncSecond

from core.workbook import Column
from onboarding.workbook.columns import (
    AuditedSheet,
    _apply_checklist_template,
    _apply_comment_item,
    _apply_item_checklist,
    _apply_link_item,
    _apply_template,
    _datetime_column,
    _datetime_key_column,
    _hotline,
    _item_hotline,
    _model,
    _required_user_column,
    _user_column,
)


def _apply_purpose(template: Any, values: dict[str, Any], ctx: Any) -> None:
    purpose = (values.get("purpose") or "onboarding").strip()
    if purpose not in ("onboarding", "qa_self_assessment"):
        raise ValidationError(f"“{purpose}” is not a purpose: onboarding or qa_self_assessment.")
    template.purpose = purpose


SHEETS = [
    # -- The dossier ----------------------------------------------------------------------------
    AuditedSheet(
        name="Checklist templates",
        model="onboarding.ChecklistTemplate",
        order=200,
        description="Versions of the onboarding checklist and of the members' self-assessment (draft, published, "
        "retired).",
        key_headers=["name", "version"],
        queryset=lambda: _model("ChecklistTemplate").objects.order_by("name", "version"),
        columns=[
            Column("name", "name", required=True, help="Name of the checklist."),
            Column("version", "version", kind="int", required=True, help="Version number."),
            Column("status", "status", kind="choice", required=True, help="draft, published or retired."),
            Column(
                "purpose",
                None,
                export=lambda t: t.purpose,
                apply=_apply_purpose,
                help="onboarding (empty: onboarding) or qa_self_assessment.",
            ),
            Column("notes", "notes", help="What changed in this version."),
            Column(
                "resubmission_days",
                "resubmission_days",
                kind="int",
                help="Days a candidate gets to answer a request for changes (empty: 14).",
            ),
            _datetime_column("published_at", "published_at", "When it was published (local time)."),
            _user_column("published_by", "published_by", "Email of the account that published it."),
        ],
    ),
    AuditedSheet(
        name="Checklist template items",
        model="onboarding.ChecklistTemplateItem",
        order=205,
        description="The items of each template version: code, area (1-14), title and guidance (in English, "
        "French and Spanish), evidence, the stage each gates and its due date.",
        key_headers=["template", "version", "code"],
        queryset=lambda: (
            _model("ChecklistTemplateItem")
            .objects.select_related("template")
            .order_by("template__name", "template__version", "sort_order", "code")
        ),
        columns=[
            Column(
                "template",
                None,
                required=True,
                export=lambda i: i.template.name,
                apply=_apply_template,
                help="Name of the checklist (Checklist templates sheet).",
            ),
            Column("version", None, kind="int", required=True, export=lambda i: i.template.version, help="Version."),
            Column("code", "code", required=True, help="Stable item code, e.g. 3.1."),
            Column("sort_order", "sort_order", kind="int", help="Position in the checklist."),
            Column("area", "area", kind="int", required=True, help="Area 1-14 (DOMAIN: the 14 areas)."),
            Column("title", "title", required=True, help="Title."),
            Column("guidance", "guidance", help="Guidance (HTML rich text)."),
            Column("title_fr", "title_fr", help="Title in French (empty: the English title is shown)."),
            Column("guidance_fr", "guidance_fr", help="Guidance in French (HTML rich text; empty: English)."),
            Column("title_es", "title_es", help="Title in Spanish (empty: the English title is shown)."),
            Column("guidance_es", "guidance_es", help="Guidance in Spanish (HTML rich text; empty: English)."),
            Column("evidence_required", "evidence_required", kind="bool", help="TRUE if a document is required."),
            Column("gates_stage", "gates_stage", kind="choice", required=True, help="The stage it is needed before."),
            Column(
                "due_days", "due_days", kind="int", required=True, help="Due after this many days in the stage before."
            ),
            Column(
                "gate_fact", "gate_fact", kind="choice", help="host_due_diligence or legal_review, for the named gates."
            ),
        ],
    ),
    AuditedSheet(
        name="Checklists",
        model="onboarding.Checklist",
        order=210,
        description="Each candidate's checklist and the template version it follows.",
        key_headers=["hotline"],
        queryset=lambda: (
            _model("Checklist").objects.select_related("hotline", "template").order_by("hotline__brand_name")
        ),
        columns=[
            _hotline(),
            Column(
                "template",
                None,
                required=True,
                export=lambda c: c.template.name,
                apply=_apply_checklist_template,
                help="Name of the checklist template.",
            ),
            Column(
                "version", None, kind="int", required=True, export=lambda c: c.template.version, help="Its version."
            ),
        ],
    ),
    AuditedSheet(
        name="Checklist items",
        model="onboarding.ChecklistItem",
        order=215,
        description="Each candidate's item states, answers, due dates, reviews and waivers.",
        key_headers=["hotline", "code"],
        queryset=lambda: (
            _model("ChecklistItem")
            .objects.select_related(
                "checklist__hotline",
                "template_item__template",
                "submitted_by",
                "reviewed_by",
                "waived_by",
                "waiver_approved_by",
            )
            .order_by("checklist__hotline__brand_name", "template_item__sort_order", "code")
        ),
        columns=[
            Column(
                "hotline",
                None,
                required=True,
                export=lambda i: i.checklist.hotline.brand_name,
                apply=_apply_item_checklist,
                help="Brand name of the hotline (Checklists sheet).",
            ),
            Column("code", "code", required=True, help="Item code."),
            Column(
                "template_version",
                None,
                kind="int",
                export=lambda i: i.template_item.template.version,
                help="Template version the item follows (empty: the checklist's).",
            ),
            Column("state", "state", kind="choice", required=True, help="Item state key."),
            Column("answer", "answer", help="The candidate's answer."),
            Column("due_on", "due_on", kind="date", help="Due date."),
            _user_column("assigned_to", "assigned_to", "Email of the colleague the item is assigned to."),
            _datetime_column("state_changed_at", "state_changed_at", "When the state last changed."),
            _user_column("submitted_by", "submitted_by", "Email of the account that last submitted it."),
            _datetime_column("submitted_at", "submitted_at", "When it was last submitted."),
            _user_column("reviewed_by", "reviewed_by", "Email of the last reviewer."),
            _datetime_column("reviewed_at", "reviewed_at", "When it was last reviewed."),
            Column("waiver_reason", "waiver_reason", help="Why it was waived."),
            _user_column("waived_by", "waived_by", "Email of the staff member who waived it."),
            _datetime_column("waived_at", "waived_at", "When it was waived."),
            _user_column("waiver_approved_by", "waiver_approved_by", "Email of the second staff member who approved."),
            _datetime_column("waiver_approved_at", "waiver_approved_at", "When the waiver was approved."),
            _datetime_column("removed_at", "removed_at", "When a version move dropped it (empty: current)."),
        ],
    ),
    AuditedSheet(
        name="Checklist comments",
        model="onboarding.ItemComment",
        order=220,
        description="The comment threads of checklist items (text).",
        key_headers=["hotline", "code", "created_at", "author"],
        queryset=lambda: (
            _model("ItemComment")
            .objects.select_related("item__checklist__hotline", "author")
            # To the second, as the sheet holds it: the order survives a round trip.
            .order_by(
                "item__checklist__hotline__brand_name", "item__code", TruncSecond("created_at"), "author__email", "body"
            )
        ),
        columns=[
            Column("hotline", None, required=True, export=_item_hotline, apply=_apply_comment_item, help="Hotline."),
            Column("code", None, required=True, export=lambda c: c.item.code, help="Item code."),
            _datetime_key_column("created_at", "created_at", "When it was written (local time, to the second)."),
            _user_column("author", "author", "Email of the author's account."),
            Column("body", "body", required=True, help="The comment."),
            Column(
                "visibility",
                "visibility",
                kind="choice",
                required=True,
                help="staff (staff only), reviewers (reviewers and staff) or shared (with the candidate).",
            ),
        ],
    ),
    AuditedSheet(
        name="Evidence documents",
        model="onboarding.EvidenceDocument",
        order=225,
        description="Metadata of the evidence documents (not the files: those stay in the private files folder, "
        "where `stored_name` finds them).",
        key_headers=["stored_name"],
        queryset=lambda: (
            _model("EvidenceDocument")
            .objects.select_related("hotline", "uploaded_by")
            .order_by("hotline__brand_name", "stored_name")
        ),
        columns=[
            Column("stored_name", "stored_name", required=True, help="Name in the private files folder."),
            _hotline(),
            Column("original_name", "original_name", required=True, help="File name as uploaded (cleaned)."),
            Column("content_type", "content_type", required=True, help="Type decided from the content."),
            Column("size", "size", kind="int", required=True, help="Size in bytes."),
            Column("sha256", "sha256", required=True, help="SHA-256 of the content."),
            Column("description", "description", help="Description."),
            Column("expires_on", "expires_on", kind="date", help="Valid until."),
            Column(
                "expiry_processed_for",
                "expiry_processed_for",
                kind="date",
                help="The expiry date whose consequences were applied (items reopened, people told).",
            ),
            _user_column("uploaded_by", "uploaded_by", "Email of the uploading account."),
            _datetime_key_column("uploaded_at", "uploaded_at", "When it was uploaded."),
        ],
    ),
    AuditedSheet(
        name="Evidence links",
        model="onboarding.EvidenceLink",
        order=230,
        description="Which checklist items each document supports.",
        key_headers=["document", "hotline", "code"],
        queryset=lambda: (
            _model("EvidenceLink")
            .objects.select_related("document", "item__checklist__hotline", "linked_by")
            .order_by("document__stored_name", "item__code")
        ),
        columns=[
            Column("document", "document", kind="ref", ref="Evidence documents", required=True, help="Stored name."),
            Column("hotline", None, required=True, export=_item_hotline, apply=_apply_link_item, help="Hotline."),
            Column("code", None, required=True, export=lambda link: link.item.code, help="Item code."),
            _user_column("linked_by", "linked_by", "Email of the account that linked it."),
            _datetime_column("linked_at", "linked_at", "When."),
        ],
    ),
    AuditedSheet(
        name="Reviewer assignments",
        model="onboarding.ReviewerAssignment",
        order=235,
        description="Reviewers assigned to each dossier and their conflict-of-interest declarations.",
        key_headers=["hotline", "reviewer"],
        queryset=lambda: (
            _model("ReviewerAssignment")
            .objects.select_related("hotline", "reviewer", "assigned_by")
            .order_by("hotline__brand_name", "reviewer__email")
        ),
        columns=[
            _hotline(),
            _required_user_column("reviewer", "reviewer", "Email of the reviewer's account."),
            _user_column("assigned_by", "assigned_by", "Email of the staff member who assigned them."),
            _datetime_column("assigned_at", "assigned_at", "When."),
            _datetime_column("coi_declared_at", "coi_declared_at", "When they declared (empty: not yet)."),
            Column("has_conflict", "has_conflict", kind="bool", help="TRUE if they declared a conflict."),
            Column("coi_statement", "coi_statement", help="Their declaration."),
        ],
    ),
]
