from django import template
from django.http import HttpRequest

from accounts.areas import DONOR_MENU_HOOK, PORTAL_MENU_HOOK, AreaMenuItem, collect

register = template.Library()


@register.simple_tag(takes_context=True)
def area_menu(context: template.Context, area: str) -> list[AreaMenuItem]:
    request: HttpRequest | None = context.get("request")
    if request is None:
        return []
    return collect(PORTAL_MENU_HOOK if area == "portal" else DONOR_MENU_HOOK, request)
