"""Sheets of the onboarding records in the network workbook (documented in docs/data-format.md).

The dossier follows: checklist templates (by name and version) and their items (by code),
candidates' checklists and item states (by hotline and code), comments (text), evidence documents'
metadata (by their stored name, which is how a restored private-files folder finds them again; the
files themselves are not in the workbook), evidence links, reviewer assignments (by hotline and the
reviewer's email), assessments (by reference), findings (by assessment and area), corrective
actions (by assessment and title) and decisions (by assessment); then the independent reviews (by
hotline, subject and reviewer), their verdicts (and area) and consolidated recommendations; then the
member cycle: joint visits (by reference, before the assessments that name them), renewal packs (by
hotline and year), suspension proposals (by hotline and the pack's year) and QA certificates (by
number); members' self-assessments (by hotline and the time they were asked for) and their answers
(and question code). Item history stays in the
database with the audit trail, like every record's history.

They come after the registry's sheets. Natural keys: candidate profiles by hotline, stage history
by hotline and time (to the second), country assessments by country and date, interactions by
hotline, date and subject, roundtables and agreements by their reference, participants by
roundtable, organisation and contact name, action items by roundtable and title, agreement
parties by agreement and organisation, MoU alternatives by hotline and time proposed, message templates
by purpose.
People appear by their account's email, which must be in the Accounts sheet or recorded already.
Uploaded documents (minutes, signed agreements) are not part of the workbook. Stage history is
restored only for hotlines the import creates (a restore), never added to or changed for a
recorded hotline: the lifecycle alone writes it (`StageHistorySheet`).
"""

from onboarding.workbook import accreditation, dossier, engagement, lifecycle, membership, reviews, selfassessment
from onboarding.workbook.columns import AuditedSheet, StageHistorySheet

# The order of the sheets is part of the workbook format.
SHEETS = [
    *lifecycle.SHEETS,
    *engagement.SHEETS,
    *dossier.SHEETS,
    membership.JOINT_VISITS,
    *accreditation.SHEETS,
    *reviews.SHEETS,
    *membership.SHEETS,
    *selfassessment.SHEETS,
]

__all__ = ["SHEETS", "AuditedSheet", "StageHistorySheet"]
