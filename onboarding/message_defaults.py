"""The texts message templates start with (staff edit them in the admin), in English, French and
Spanish: per purpose and language, (subject, body). Used when a purpose's template is first needed
(`MessageTemplate.for_purpose`) and by the migration that ships them."""

from __future__ import annotations

from onboarding.message_texts import CANDIDATE_MESSAGE, ROUNDTABLE_INVITATION

DEFAULT_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    ROUNDTABLE_INVITATION: {
        "en": (
            "Invitation: {roundtable}",
            "Dear colleague,\n\n"
            "On behalf of the association, we are pleased to invite you to the roundtable “{roundtable}”.\n\n"
            "When: {date}\n"
            "Where: {place}\n\n"
            "{message}\n\n"
            "The roundtable brings together the organisations that can support a national hotline, where "
            "the public reports child sexual abuse material found online: law enforcement, government, "
            "industry and civil society.\n\n"
            "The calendar invitation is attached to this email. If you have a question, reply to this "
            "email.\n\n"
            "Kind regards,\n"
            "{sender}",
        ),
        "fr": (
            "Invitation : {roundtable}",
            "Madame, Monsieur,\n\n"
            "Au nom de l'association, nous avons le plaisir de vous inviter à la table ronde « {roundtable} ».\n\n"
            "Date : {date}\n"
            "Lieu : {place}\n\n"
            "{message}\n\n"
            "La table ronde réunit les organisations en mesure de soutenir une ligne nationale de "
            "signalement, où le public signale les contenus d'abus sexuels sur enfants trouvés en ligne : "
            "forces de l'ordre, pouvoirs publics, industrie et société civile.\n\n"
            "L'invitation de calendrier est jointe à ce message. Pour toute question, répondez simplement à "
            "ce message.\n\n"
            "Nous vous prions d'agréer nos salutations distinguées.\n"
            "{sender}",
        ),
        "es": (
            "Invitación: {roundtable}",
            "Estimado/a colega:\n\n"
            "En nombre de la asociación, tenemos el gusto de invitarle a la mesa redonda «{roundtable}».\n\n"
            "Fecha: {date}\n"
            "Lugar: {place}\n\n"
            "{message}\n\n"
            "La mesa redonda reúne a las organizaciones que pueden apoyar una línea nacional de denuncia, "
            "donde el público denuncia el material de abuso sexual infantil encontrado en línea: fuerzas "
            "del orden, gobierno, industria y sociedad civil.\n\n"
            "La invitación de calendario va adjunta a este mensaje. Si tiene alguna pregunta, responda a "
            "este mensaje.\n\n"
            "Atentamente,\n"
            "{sender}",
        ),
    },
    CANDIDATE_MESSAGE: {
        "en": (
            "{hotline}: a message from the association",
            "Dear colleagues at {organisation},\n\n"
            "{message}\n\n"
            "If you have a question, reply to this email.\n\n"
            "Kind regards,\n"
            "{sender}",
        ),
        "fr": (
            "{hotline} : un message de l'association",
            "Chères et chers collègues de {organisation},\n\n"
            "{message}\n\n"
            "Pour toute question, répondez simplement à ce message.\n\n"
            "Bien cordialement,\n"
            "{sender}",
        ),
        "es": (
            "{hotline}: un mensaje de la asociación",
            "Estimados colegas de {organisation}:\n\n"
            "{message}\n\n"
            "Si tienen alguna pregunta, respondan a este mensaje.\n\n"
            "Atentamente,\n"
            "{sender}",
        ),
    },
}
