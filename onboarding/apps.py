from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = "Onboarding"

    def ready(self) -> None:
        from accounts.roles import Role, register_role_permissions

        managed = [
            "candidateprofile",
            "countryassessment",
            "interaction",
            "roundtable",
            "roundtableparticipant",
            "actionitem",
            "agreement",
            "agreementparty",
            "moualternative",
            "checklisttemplate",
            "checklist",
            "checklistitem",
            "evidencedocument",
            "itemcomment",
            "dossiercomment",
            "reviewerassignment",
            "assessment",
            "finding",
            "correctiveaction",
            "decision",
            "decisioncorrection",
            "review",
            "consolidatedrecommendation",
            "renewalpack",
            "suspensionproposal",
            "jointvisit",
            "qacertificate",
            "selfassessment",
        ]
        register_role_permissions(
            {
                # Network staff run the lifecycle: every onboarding record, and the stage history.
                Role.NETWORK_STAFF: [
                    *(
                        f"onboarding.{verb}_{model}"
                        for model in managed
                        for verb in ("add", "change", "delete", "view")
                    ),
                    "onboarding.view_stagechange",
                    # The texts of the emails sent from records (edited, never added or deleted).
                    "onboarding.view_messagetemplate",
                    "onboarding.change_messagetemplate",
                ],
                # Accreditation reviewers work on the dossiers assigned to them (`visible_to` narrows
                # every one of these to those dossiers): review items, comment, record findings,
                # corrective actions and the report, declare their conflicts of interest.
                Role.REVIEWER: [
                    "onboarding.view_checklistitem",
                    "onboarding.change_checklistitem",
                    "onboarding.view_checklist",
                    "onboarding.view_evidencedocument",
                    "onboarding.view_itemcomment",
                    "onboarding.add_itemcomment",
                    "onboarding.view_dossiercomment",
                    "onboarding.add_dossiercomment",
                    "onboarding.view_reviewerassignment",
                    "onboarding.change_reviewerassignment",
                    "onboarding.view_assessment",
                    "onboarding.change_assessment",
                    "onboarding.view_finding",
                    "onboarding.add_finding",
                    "onboarding.change_finding",
                    "onboarding.view_correctiveaction",
                    "onboarding.add_correctiveaction",
                    "onboarding.change_correctiveaction",
                    "onboarding.view_decision",
                    # Members' self-assessments before the reviews of the dossiers assigned to them.
                    "onboarding.view_selfassessment",
                    # Their own independent reviews (and the others' once theirs is submitted).
                    "onboarding.view_review",
                    "onboarding.add_review",
                    "onboarding.change_review",
                    "onboarding.view_consolidatedrecommendation",
                ],
                # Grants managers report on roundtables and agreements; they do not change them.
                Role.GRANTS: [
                    "onboarding.view_roundtable",
                    "onboarding.view_roundtableparticipant",
                    "onboarding.view_agreement",
                    "onboarding.view_agreementparty",
                ],
            }
        )
        _register_log_sources()


def _register_log_sources() -> None:
    """Entries logged on a hotline (or its host) that come from onboarding's records are read under
    those records' rules (core.audit.log_entries_visible_to), not the hotline's."""
    from core.audit import register_log_source
    from onboarding.models import dossier_hotlines

    hotline = "network.Hotline"
    for actions, model in (
        (["onboarding.stage_change"], "StageChange"),
        (["onboarding.candidate_create", "onboarding.candidate_update"], "CandidateProfile"),
        (["onboarding.mou_alternative_propose", "onboarding.mou_alternative_decide"], "MouAlternative"),
    ):
        register_log_source(
            logged_on=hotline,
            actions=actions,
            permission=f"onboarding.view_{model.lower()}",
            model=f"onboarding.{model}",
            path="hotline_id",
        )
    # The dossier's events: under the dossier rule (assigned, declared reviewers; network staff).
    for actions, model in (
        (["onboarding.checklist_create", "onboarding.checklist_version"], "checklist"),
        (["onboarding.evidence_upload", "onboarding.evidence_expire"], "evidencedocument"),
        (
            ["onboarding.reviewer_assign", "onboarding.reviewer_unassign", "onboarding.reviewer_declare"],
            "reviewerassignment",
        ),
    ):
        register_log_source(
            logged_on=hotline, actions=actions, permission=f"onboarding.view_{model}", visible=dossier_hotlines
        )
    register_log_source(
        logged_on="network.Organisation",
        actions=["onboarding.host_create"],
        permission="onboarding.view_candidateprofile",
        model="onboarding.CandidateProfile",
        path="hotline__host_organisation_id",
    )
