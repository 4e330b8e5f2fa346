from django import template
from django.utils.html import format_html

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
