"""Sheets of the network registry in the network workbook (documented in docs/data-format.md)."""

from core.workbook import Column, ModelSheet

SHEETS = [
    ModelSheet(
        name="Countries",
        model="network.Country",
        order=10,
        description="Reference data: every ISO 3166-1 country (update only; the programme region is editable).",
        key_headers=["code"],
        allow_create=False,
        columns=[
            Column("code", "code", required=True, help="ISO 3166-1 alpha-2 code, e.g. KE."),
            Column("name", "name", required=True, help="English short name."),
            Column("alpha3", "alpha3", required=True, help="ISO 3166-1 alpha-3 code."),
            Column("numeric", "numeric", required=True, help="ISO 3166-1 numeric code (3 digits)."),
            Column("m49_region", "m49_region", help="UN M49 region."),
            Column("m49_subregion", "m49_subregion", help="UN M49 sub-region."),
            Column(
                "programme_region",
                "programme_region",
                kind="choice",
                help="Association programme region key.",
            ),
        ],
    ),
    ModelSheet(
        name="Organisations",
        model="network.Organisation",
        order=20,
        description="Every organisation: hotline hosts, ministries, police, companies, donors.",
        key_headers=["name"],
        columns=[
            Column("name", "name", required=True, help="Unique name; other sheets refer to it."),
            Column("type", "type", kind="choice", required=True, help="Organisation type key."),
            Column(
                "country",
                "country",
                kind="ref",
                ref="Countries",
                required=True,
                help="Country code.",
            ),
            Column("website", "website", help="Web address."),
            Column("registration_number", "registration_number", help="Company or charity number."),
            Column(
                "publish_name_consent",
                "publish_name_consent",
                kind="bool",
                help="TRUE if reports may name it.",
            ),
        ],
    ),
]
