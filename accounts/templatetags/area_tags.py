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


@register.simple_tag(takes_context=True)
def may_do(context: template.Context, action: str) -> bool:
    """`{% may_do "portal.colleagues" as can_manage %}`: `accounts.access.may` for the request's user."""
    from accounts.access import may

    request = context.get("request")
    return bool(request is not None and may(request.user, action))
