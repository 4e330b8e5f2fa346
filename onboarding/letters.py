"""The membership decision letter as a PDF, in the candidate's language.

`build_decision_letter(data) -> bytes` is pure: it reads only its argument (no queries, no clock), so
the same data gives the same file (reportlab's invariant mode). The snapshot is made by
`onboarding.selectors.decision_letter_data`; views check access first.

A decision letter is a formal text the association's legal staff approve word for word in each
language, so its wording lives here as data (`LETTER_TEXTS`, one entry per language of
`settings.LANGUAGES`), not in the message catalogues; dates are written in the letter's language.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from django.utils import formats, translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

GENERATOR_VERSION = "decision-letter-1"

LETTER_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Membership decision",
        "reference": "Our reference: %(reference)s",
        "dear": "Dear colleagues of %(organisation)s,",
        "admit": (
            "We are pleased to inform you that %(hotline)s (%(country)s) has been admitted to the association "
            "as a provisional member."
        ),
        "reject": (
            "We regret to inform you that the application of %(hotline)s (%(country)s) for membership of the "
            "association has not been accepted."
        ),
        "board": "The Board took this decision on %(date)s (minutes %(minutes)s): %(for)s for, %(against)s "
        "against, %(abstaining)s abstaining.",
        "assembly": "The General Assembly adopted it on %(date)s (minutes %(minutes)s): %(for)s for, "
        "%(against)s against, %(abstaining)s abstaining.",
        "appeal": "You may appeal against this decision until %(date)s (%(days)s days from this letter), "
        "through your page on the association's portal, stating your grounds. The association answers "
        "every appeal in writing.",
        "closing": "With our kind regards,",
        "signature": "On behalf of the Board of %(association)s",
        "sent": "Sent through the portal on %(date)s.",
    },
    "fr": {
        "title": "Décision d’adhésion",
        "reference": "Notre référence : %(reference)s",
        "dear": "Madame, Monsieur,",
        "admit": (
            "Nous avons le plaisir de vous informer que %(hotline)s (%(country)s) a été admise au sein de "
            "l’association en qualité de membre provisoire."
        ),
        "reject": (
            "Nous avons le regret de vous informer que la demande d’adhésion de %(hotline)s (%(country)s) à "
            "l’association n’a pas été acceptée."
        ),
        "board": "Le Conseil d’administration a pris cette décision le %(date)s (procès-verbal %(minutes)s) : "
        "%(for)s voix pour, %(against)s voix contre, %(abstaining)s abstentions.",
        "assembly": "L’Assemblée générale l’a adoptée le %(date)s (procès-verbal %(minutes)s) : %(for)s voix "
        "pour, %(against)s voix contre, %(abstaining)s abstentions.",
        "appeal": "Vous pouvez former un recours contre cette décision jusqu’au %(date)s (%(days)s jours à "
        "compter de la présente lettre), depuis votre page du portail de l’association, en exposant vos "
        "motifs. L’association répond par écrit à chaque recours.",
        "closing": "Veuillez agréer nos salutations distinguées.",
        "signature": "Pour le Conseil d’administration de %(association)s",
        "sent": "Envoyée par le portail le %(date)s.",
    },
    "es": {
        "title": "Decisión sobre la adhesión",
        "reference": "Nuestra referencia: %(reference)s",
        "dear": "Estimados colegas de %(organisation)s:",
        "admit": (
            "Nos complace comunicarles que %(hotline)s (%(country)s) ha sido admitida en la asociación como "
            "miembro provisional."
        ),
        "reject": (
            "Lamentamos comunicarles que la solicitud de adhesión de %(hotline)s (%(country)s) a la asociación "
            "no ha sido aceptada."
        ),
        "board": "La Junta Directiva adoptó esta decisión el %(date)s (acta %(minutes)s): %(for)s votos a "
        "favor, %(against)s en contra y %(abstaining)s abstenciones.",
        "assembly": "La Asamblea General la ratificó el %(date)s (acta %(minutes)s): %(for)s votos a favor, "
        "%(against)s en contra y %(abstaining)s abstenciones.",
        "appeal": "Pueden recurrir esta decisión hasta el %(date)s (%(days)s días a partir de esta carta) "
        "desde su página en el portal de la asociación, exponiendo sus motivos. La asociación responde por "
        "escrito a cada recurso.",
        "closing": "Reciban un cordial saludo.",
        "signature": "En nombre de la Junta Directiva de %(association)s",
        "sent": "Enviada a través del portal el %(date)s.",
    },
}


@dataclass(frozen=True)
class Vote:
    on: date
    minutes: str
    votes_for: int
    votes_against: int
    votes_abstaining: int


@dataclass(frozen=True)
class DecisionLetterData:
    language: str
    association: str
    reference: str
    hotline: str
    country: str
    organisation: str
    admitted: bool
    board: Vote
    assembly: Vote | None
    sent_on: date
    appeal_until: date
    appeal_days: int


def letter_language(language: str) -> str:
    """The language a letter is written in: `language` where a wording exists, else English."""
    return language if language in LETTER_TEXTS else "en"


def _day(value: date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(value, "DATE_FORMAT")


def _vote(text: str, vote: Vote, language: str) -> str:
    return text % {
        "date": _day(vote.on, language),
        "minutes": vote.minutes,
        "for": vote.votes_for,
        "against": vote.votes_against,
        "abstaining": vote.votes_abstaining,
    }


def letter_paragraphs(data: DecisionLetterData) -> list[str]:
    """The letter's text, paragraph by paragraph (the PDF, and the portal page's summary)."""
    language = letter_language(data.language)
    texts = LETTER_TEXTS[language]
    facts = {"hotline": data.hotline, "country": data.country, "organisation": data.organisation}
    paragraphs = [
        texts["dear"] % facts,
        texts["admit" if data.admitted else "reject"] % facts,
        _vote(texts["board"], data.board, language),
    ]
    if data.assembly is not None:
        paragraphs.append(_vote(texts["assembly"], data.assembly, language))
    paragraphs.append(texts["appeal"] % {"date": _day(data.appeal_until, language), "days": data.appeal_days})
    return paragraphs


def build_decision_letter(data: DecisionLetterData) -> bytes:
    language = letter_language(data.language)
    texts = LETTER_TEXTS[language]
    styles = getSampleStyleSheet()
    body = ParagraphStyle("letter", parent=styles["BodyText"], fontSize=10.5, leading=14, spaceAfter=6)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
        title=texts["title"],
        author=data.association,
        subject=data.hotline,
        lang=language,
        invariant=1,
    )

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)

    story: list[object] = [
        p(data.association, styles["Heading3"]),
        p(_day(data.sent_on, language), small),
        p(texts["reference"] % {"reference": data.reference}, small),
        Spacer(1, 8 * mm),
        p(texts["title"], styles["Title"]),
        p(f"{data.organisation}: {data.hotline} ({data.country})", styles["Heading4"]),
        Spacer(1, 4 * mm),
    ]
    story += [p(paragraph) for paragraph in letter_paragraphs(data)]
    story += [
        Spacer(1, 6 * mm),
        p(texts["closing"]),
        p(texts["signature"] % {"association": data.association}),
        Spacer(1, 10 * mm),
        p(texts["sent"] % {"date": _day(data.sent_on, language)}, small),
    ]
    doc.build(story)
    return buffer.getvalue()
