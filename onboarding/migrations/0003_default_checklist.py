"""The default onboarding checklist (version 1, published): the 14 areas and their items.

Staff edit it in the admin by creating a new draft version; this migration only loads version 1
when no checklist template exists yet.
"""

from django.db import migrations
from django.utils import timezone

SE = "stakeholder_engagement"
OP = "operational_preparation"
AS = "application_submitted"
FM = "full_member"

# (code, area, title, guidance, evidence required, needed before, due after (days), gate fact)
ITEMS = [
    (
        "1.1",
        1,
        "Country situation summary",
        "<p>Summarise internet use, the existing routes for reporting illegal content (police, helplines, "
        "platforms) and why a hotline is needed. Two pages are enough; cite the sources you used.</p>",
        False,
        SE,
        14,
        "",
    ),
    (
        "1.2",
        1,
        "Map of child-protection and reporting services",
        "<p>List the organisations already working on online child protection in the country (helplines, "
        "NGOs, police units, regulators) and how the hotline will work with each of them.</p>",
        True,
        SE,
        20,
        "",
    ),
    (
        "2.1",
        2,
        "Host organisation due diligence",
        "<p>Provide the host organisation's registration certificate, statutes, the list of board members, "
        "the last two annual accounts and a statement that no board member has a conflict of interest with "
        "the hotline's work.</p>",
        True,
        SE,
        20,
        "host_due_diligence",
    ),
    (
        "2.2",
        2,
        "Board resolution to host the hotline",
        "<p>Upload the minutes or resolution in which the host organisation's board decided to host the "
        "hotline and named the person responsible for it.</p>",
        True,
        OP,
        60,
        "",
    ),
    (
        "2.3",
        2,
        "Independence and conflict-of-interest policy",
        "<p>Show how the hotline's assessments stay independent from the host's other activities and "
        "funders, and how conflicts of interest of staff and board members are declared and handled.</p>",
        True,
        AS,
        60,
        "",
    ),
    (
        "2.4",
        2,
        "Organisation chart of the hotline",
        "<p>Show the hotline's place in the host organisation: who manages it, who the analysts report to, "
        "and who deputises when the manager is away.</p>",
        True,
        AS,
        45,
        "",
    ),
    (
        "3.1",
        3,
        "Legal review of the hotline's activities",
        "<p>A written opinion by a qualified lawyer confirming that the hotline may lawfully receive reports, "
        "assess the reported content and forward it to law enforcement and hosting providers, and under "
        "which conditions.</p>",
        True,
        OP,
        120,
        "legal_review",
    ),
    (
        "3.2",
        3,
        "Legal basis for notice and takedown",
        "<p>Explain which law or agreement allows the hotline to ask hosting providers in the country to "
        "remove illegal content, and what providers must do when notified.</p>",
        True,
        OP,
        150,
        "",
    ),
    (
        "3.3",
        3,
        "Legal protection of analysts",
        "<p>Confirm, with the relevant legal provision or a written assurance from the prosecution service, "
        "that analysts viewing reported material in the course of their duties are not committing an "
        "offence.</p>",
        True,
        AS,
        60,
        "",
    ),
    (
        "4.1",
        4,
        "Referral procedure agreed with law enforcement",
        "<p>Describe how reports assessed as illegal reach the police: the contact point, the channel, the "
        "information sent and the expected acknowledgement. Attach the signed MoU or the approved "
        "alternative.</p>",
        True,
        AS,
        60,
        "",
    ),
    (
        "4.2",
        4,
        "Named law-enforcement liaison",
        "<p>Give the unit and the role (not the personal details) of the law-enforcement liaison, and how "
        "the hotline reaches them out of office hours.</p>",
        False,
        AS,
        30,
        "",
    ),
    (
        "4.3",
        4,
        "Deconfliction with ongoing investigations",
        "<p>Describe how the hotline makes sure a takedown notice does not harm an investigation, for "
        "example by waiting for the police's go-ahead before notifying a provider.</p>",
        True,
        AS,
        90,
        "",
    ),
    (
        "5.1",
        5,
        "Letter of support from the responsible ministry",
        "<p>A signed letter from the ministry responsible for child protection or the digital sector "
        "supporting the hotline's creation.</p>",
        True,
        OP,
        120,
        "",
    ),
    (
        "5.2",
        5,
        "Government focal point",
        "<p>Name the government department and role that will follow the hotline's work and receive its "
        "annual report.</p>",
        False,
        AS,
        30,
        "",
    ),
    (
        "6.1",
        6,
        "Notice-and-takedown procedure",
        "<p>The procedure the hotline follows to notify hosting providers, including the notice template, "
        "time limits and follow-up when content stays online.</p>",
        True,
        AS,
        90,
        "",
    ),
    (
        "6.2",
        6,
        "Commitments from the main providers",
        "<p>Agreements or letters from the main internet service providers, hosting companies and platforms "
        "in the country committing to act on the hotline's notices.</p>",
        True,
        AS,
        100,
        "",
    ),
    (
        "6.3",
        6,
        "Abuse contacts of hosting providers",
        "<p>Confirm that the hotline keeps an up-to-date list of the abuse desks of hosting providers in the "
        "country, and who maintains it.</p>",
        False,
        AS,
        60,
        "",
    ),
    (
        "7.1",
        7,
        "Stakeholder map",
        "<p>A table of the stakeholders by sector (law enforcement, government, industry, NGOs) with their "
        "role towards the hotline and the focal point in each.</p>",
        True,
        OP,
        60,
        "",
    ),
    (
        "7.2",
        7,
        "Roundtable outcomes and commitments",
        "<p>Summarise what the roundtables agreed and which stakeholder committed to what; the association's "
        "roundtable minutes can be referred to.</p>",
        False,
        OP,
        150,
        "",
    ),
    (
        "8.1",
        8,
        "First-year budget",
        "<p>The hotline's budget for its first operating year: staff, welfare support, equipment, security, "
        "communication and travel to network meetings.</p>",
        True,
        OP,
        150,
        "",
    ),
    (
        "8.2",
        8,
        "Funding agreement for the first operating year",
        "<p>The signed agreement (or agreements) covering the first year's budget.</p>",
        True,
        AS,
        30,
        "",
    ),
    (
        "8.3",
        8,
        "Three-year sustainability plan",
        "<p>How the hotline will be funded after its first year: expected sources, amounts and the plan if a "
        "funder withdraws.</p>",
        True,
        AS,
        100,
        "",
    ),
    (
        "9.1",
        9,
        "Report-handling procedure",
        "<p>The written procedure from intake to closure: receiving a report, assessing it, tracing the "
        "hosting location, referring to law enforcement, notifying the provider and recording the "
        "outcome.</p>",
        True,
        AS,
        60,
        "",
    ),
    (
        "9.2",
        9,
        "Content assessment guidelines",
        "<p>The guidelines analysts apply to decide whether reported content is illegal under national law, "
        "aligned with the association's classification.</p>",
        True,
        AS,
        75,
        "",
    ),
    (
        "9.3",
        9,
        "Statistics in the network's categories",
        "<p>Confirm that the hotline records reports received, content URLs processed and their outcomes in "
        "the categories the network uses for its aggregate statistics (numbers only).</p>",
        False,
        AS,
        90,
        "",
    ),
    (
        "9.4",
        9,
        "Public reporting page",
        "<p>A screenshot or PDF of the public reporting page, showing that people can report anonymously and "
        "what happens to their report.</p>",
        True,
        AS,
        110,
        "",
    ),
    (
        "10.1",
        10,
        "Information security policy",
        "<p>The policy covering access to the hotline's systems, passwords and two-factor authentication, "
        "updates, backups and what staff may not do with report data.</p>",
        True,
        AS,
        75,
        "",
    ),
    (
        "10.2",
        10,
        "Secure analyst workstations",
        "<p>Describe the analysts' workstations: separated from the organisation's network, in a room with "
        "controlled access, screens not visible to visitors.</p>",
        True,
        AS,
        90,
        "",
    ),
    (
        "10.3",
        10,
        "Access control and logging",
        "<p>Show who can access report records and how access is logged and reviewed.</p>",
        True,
        AS,
        90,
        "",
    ),
    (
        "10.4",
        10,
        "Incident response plan",
        "<p>What the hotline does after a security incident or data breach: who is told, within what time, "
        "and how it is recorded. Tested at least once in the first year.</p>",
        True,
        FM,
        180,
        "",
    ),
    (
        "11.1",
        11,
        "Data-protection impact assessment",
        "<p>The assessment of the risks the hotline's processing poses to reporters and other people, and "
        "the measures taken.</p>",
        True,
        AS,
        90,
        "",
    ),
    (
        "11.2",
        11,
        "Retention schedule",
        "<p>How long each kind of record (reports, referrals, notices, statistics) is kept and how it is "
        "deleted.</p>",
        True,
        AS,
        90,
        "",
    ),
    (
        "11.3",
        11,
        "Data-processing agreement with the association",
        "<p>The signed agreement covering the data the hotline exchanges with the association and other "
        "member hotlines.</p>",
        True,
        AS,
        60,
        "",
    ),
    (
        "12.1",
        12,
        "Analyst recruitment and vetting",
        "<p>How analysts are selected, vetted and briefed on the nature of the work before they start.</p>",
        True,
        AS,
        45,
        "",
    ),
    (
        "12.2",
        12,
        "Welfare policy",
        "<p>The welfare policy for staff exposed to distressing content: exposure limits, breaks, rotation, "
        "the right to stop, and what managers watch for.</p>",
        True,
        AS,
        60,
        "",
    ),
    (
        "12.3",
        12,
        "Psychological support",
        "<p>The contract or arrangement with a counsellor or psychologist offering regular and on-demand "
        "sessions to analysts, paid by the hotline.</p>",
        True,
        AS,
        75,
        "",
    ),
    (
        "12.4",
        12,
        "Training plan",
        "<p>Which analysts will attend the association's core and content-assessment training, and when. "
        "The training records themselves come from the association's registry.</p>",
        False,
        AS,
        30,
        "",
    ),
    (
        "12.5",
        12,
        "Welfare review after six months",
        "<p>A short review of how the welfare measures worked in the first six months of operation and what "
        "was changed.</p>",
        True,
        FM,
        200,
        "",
    ),
    (
        "13.1",
        13,
        "Launch communication plan",
        "<p>How the public, industry and partners will learn that the hotline exists: messages, channels, "
        "spokesperson and launch date.</p>",
        True,
        AS,
        100,
        "",
    ),
    (
        "13.2",
        13,
        "Awareness materials",
        "<p>Drafts of the leaflets, web pages or social-media posts explaining what to report and how.</p>",
        True,
        AS,
        110,
        "",
    ),
    (
        "13.3",
        13,
        "First annual report",
        "<p>The hotline's first annual report, with its aggregate statistics and activities.</p>",
        True,
        FM,
        330,
        "",
    ),
    (
        "14.1",
        14,
        "Code of Practice declaration",
        "<p>The association's Code of Practice, signed by the host organisation's legal representative.</p>",
        True,
        AS,
        110,
        "",
    ),
    (
        "14.2",
        14,
        "Point of contact for the network",
        "<p>The role and shared mailbox through which the association and other hotlines reach the hotline "
        "(a shared address, not a personal one).</p>",
        False,
        AS,
        100,
        "",
    ),
    (
        "14.3",
        14,
        "Membership application form",
        "<p>The association's membership application form, completed and signed.</p>",
        True,
        AS,
        115,
        "",
    ),
    (
        "14.4",
        14,
        "Membership fee arrangement",
        "<p>Confirm how the membership fee will be paid (own budget or a funder), from the first full year "
        "of membership.</p>",
        False,
        FM,
        60,
        "",
    ),
]


def load(apps, schema_editor):
    Template = apps.get_model("onboarding", "ChecklistTemplate")
    Item = apps.get_model("onboarding", "ChecklistTemplateItem")
    if Template.objects.exists():
        return
    template = Template.objects.create(
        name="Onboarding checklist",
        version=1,
        status="published",
        notes="First version: 14 areas.",
        created_at=timezone.now(),
        published_at=timezone.now(),
    )
    Item.objects.bulk_create(
        [
            Item(
                template=template,
                sort_order=index,
                code=code,
                area=area,
                title=title,
                guidance=guidance,
                evidence_required=evidence,
                gates_stage=stage,
                due_days=due,
                gate_fact=fact,
            )
            for index, (code, area, title, guidance, evidence, stage, due, fact) in enumerate(ITEMS)
        ]
    )


def unload(apps, schema_editor):
    apps.get_model("onboarding", "ChecklistTemplate").objects.filter(version=1, checklists__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0002_dossier")]

    operations = [migrations.RunPython(load, unload)]
