"""Demo content of the public site."""

from __future__ import annotations

from wagtail.models import Page, Site

from cms.models import HomePage
from core.seeding import DemoContext


def seed(ctx: DemoContext) -> None:
    root = Page.get_first_root_node()
    site = Site.objects.filter(is_default_site=True).first()
    old_home = site.root_page if site else None
    home = HomePage(
        title="Hotline network",
        slug="home-network",
        intro=(
            "Report child sexual abuse material found online to your national hotline. "
            "Our member hotlines assess every report and work with police and industry "
            "to have it removed."
        ),
    )
    root.add_child(instance=home)
    home.save_revision().publish()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Hotline network",
        )
    else:
        site.root_page = home
        site.site_name = "Hotline network"
        site.save()
    if old_home is not None and old_home.specific_class is Page:
        old_home.delete()
    home.slug = "home"
    home.save_revision().publish()
    ctx.objects["home_page"] = home
    ctx.log("home page")
