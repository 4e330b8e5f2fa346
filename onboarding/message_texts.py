"""Placeholders in the emails staff send from records (a roundtable's invitation, a message to a
candidate). Pure: no queries.

A text names its placeholders in braces (`{roundtable}`); `{{` and `}}` stand for a brace. Each
purpose offers a fixed set of names (`PLACEHOLDERS`); a text is checked against it when a template is
saved and when staff change it before sending (`placeholder_problems`), so an unknown or malformed
placeholder is named to the person who wrote it, never sent. `fill` puts plain strings in: a
placeholder never reaches an object's attributes.
"""

from __future__ import annotations

import re
from string import Formatter

from django.utils.translation import gettext_lazy as _

ROUNDTABLE_INVITATION = "roundtable_invitation"
CANDIDATE_MESSAGE = "candidate_message"

# Per purpose: each placeholder and what it is replaced with (shown beside the template's fields).
PLACEHOLDERS = {
    ROUNDTABLE_INVITATION: {
        "roundtable": _("the roundtable's title"),
        "date": _("its date and time, on its own clock, with the time zone"),
        "place": _("its venue (or “online”)"),
        "country": _("its country"),
        "hotline": _("the candidate hotline (or “—”)"),
        "sender": _("your name and the association's"),
        "message": _("the short message written when sending"),
    },
    CANDIDATE_MESSAGE: {
        "hotline": _("the candidate hotline"),
        "organisation": _("its host organisation"),
        "country": _("its country"),
        "sender": _("your name and the association's"),
        "message": _("the short message written when sending"),
    },
}


def placeholder_problems(text: str, allowed: set[str] | dict[str, object]) -> list[str]:
    """What is wrong with the placeholders of `text`, one sentence each (empty when all is well)."""
    known = ", ".join(f"{{{name}}}" for name in allowed)
    try:
        parts = list(Formatter().parse(text))
    except ValueError:
        return [str(_("A brace is not closed or not opened; write {{ or }} for a brace itself."))]
    problems: list[str] = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in allowed or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            problem = str(
                _("Unknown placeholder %(placeholder)s: use %(known)s.") % {"placeholder": shown, "known": known}
            )
            if problem not in problems:
                problems.append(problem)
    return problems


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with its placeholders replaced by `values` (checked first: an unknown name raises KeyError);
    three or more line breaks in a row (an empty message) become one blank line."""
    pieces = []
    for literal, name, _spec, _conversion in Formatter().parse(text):
        pieces.append(literal)
        if name is not None:
            pieces.append(str(values[name]))
    filled = "".join(pieces)
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", filled).strip()
