from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.middleware import current_csp_nonce

register = template.Library()


@register.simple_tag(takes_context=True)
def script_nonce(context: template.Context) -> str:
    """Render ` nonce="..."` for an inline script, with or without the request in the context."""
    # Django's lazy nonce is falsy until something generates it: test for its presence, not its truth, so
    # that the first inline script of a page generates it (and the CSP header then carries it).
    nonce = context.get("csp_nonce")
    if nonce is None:
        nonce = current_csp_nonce.get()
    if nonce is None:
        return ""
    return format_html(' nonce="{}"', str(nonce))


@register.inclusion_tag("core/includes/worker_warning.html")
def worker_warning() -> dict[str, object]:
    """A plain warning when queued tasks have waited too long: the background worker is stopped."""
    from core.task_health import queue_health

    return {"queue": queue_health()}


@register.simple_tag(takes_context=True)
def forms_media(context: template.Context) -> SafeString:
    """The scripts every form on the page needs (Wagtail's date chooser...), once each.

    Custom admin pages render forms field by field; without this their widgets' inline calls
    (`initDateChooser(...)`) would run before anything defined them.
    """
    media = forms.Media()
    seen: set[int] = set()
    for value in context.flatten().values():
        if isinstance(value, forms.BaseForm | forms.BaseFormSet) and id(value) not in seen:
            seen.add(id(value))
            media += value.media
    return mark_safe("\n".join(media.render_js()))  # noqa: S308 - Django's own <script src> tags


@register.filter
def is_future(value: object) -> bool:
    """A date (or moment) still to come."""
    from datetime import date, datetime

    from django.utils import timezone

    if isinstance(value, datetime):
        return value > timezone.now()
    if isinstance(value, date):
        return value > timezone.localdate()
    return False


@register.filter
def natural_day(value: object) -> str:
    """`core.dates.natural_date`: "yesterday (4 Dec 2026)", else the date in the language's format."""
    from core.dates import natural_date

    return natural_date(value)
