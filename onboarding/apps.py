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
            "reviewerassignment",
            "assessment",
            "finding",
            "correctiveaction",
            "decision",
            "decisioncorrection",
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
