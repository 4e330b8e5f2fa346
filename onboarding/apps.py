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
                # Grants managers report on roundtables and agreements; they do not change them.
                Role.GRANTS: [
                    "onboarding.view_roundtable",
                    "onboarding.view_roundtableparticipant",
                    "onboarding.view_agreement",
                    "onboarding.view_agreementparty",
                ],
            }
        )
