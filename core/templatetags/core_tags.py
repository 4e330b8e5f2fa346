from django import template
from django.utils.html import format_html

from core.middleware import current_csp_nonce

register = template.Library()


@register.simple_tag(takes_context=True)
def script_nonce(context: template.Context) -> str:
    """Render ` nonce="..."` for an inline script, with or without the request in the context."""
    nonce = context.get("csp_nonce") or current_csp_nonce.get()
    if not nonce:
        return ""
    return format_html(' nonce="{}"', nonce)
