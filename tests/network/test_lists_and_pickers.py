"""Lists and pickers: a hotline's name opens its page (Edit is a button there); every multiple choice
of countries is the one searchable picker (`core.forms.CountryMultiSelect`); list filters take several
countries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.forms import CountryMultiSelect
from network.forms import PublicProfileForm
from network.models import Country
from tests.network.factories import HotlineFactory

pytestmark = pytest.mark.django_db


def test_a_hotlines_name_opens_its_page_where_edit_is_a_button(staff_user, client_for):
    hotline = HotlineFactory(brand_name="A Very Long Hotline Name For The Whole Of Its Country")
    client = client_for(staff_user)
    listing = client.get(reverse("network_hotline:index")).content.decode()
    inspect_url = reverse("network_hotline:inspect", args=[hotline.pk])
    edit_url = reverse("network_hotline:edit", args=[hotline.pk])
    title_link = re.search(r'<div class="title-wrapper">\s*<a href="([^"]+)"', listing).group(1)
    assert title_link == inspect_url
    page = client.get(inspect_url).content.decode()
    # A visible button in the header, not only an entry of the "more" menu.
    links = re.findall(r"<a [^>]*>", page)
    assert any(f'href="{edit_url}"' in link and "w-header-button" in link for link in links)


def test_a_reader_without_change_rights_gets_no_edit_button(make_user, client_for):
    hotline = HotlineFactory()
    editor = make_user(Role.EDITOR)  # reads the registry
    page = client_for(editor).get(reverse("network_hotline:inspect", args=[hotline.pk])).content.decode()
    assert reverse("network_hotline:edit", args=[hotline.pk]) not in page


def test_every_country_multiple_choice_is_the_searchable_picker(staff_user, make_user, client_for):
    hotline = HotlineFactory()
    staff_form = client_for(staff_user).get(reverse("network_hotline:edit", args=[hotline.pk])).content.decode()
    assert re.search(r'<select name="countries_served"[^>]*data-country-picker', staff_form)
    assert "core/js/country-picker.js" in staff_form
    assert isinstance(PublicProfileForm(instance=hotline).fields["countries_served"].widget, CountryMultiSelect)
    grants = make_user(Role.GRANTS)
    grant_form = client_for(grants).get(reverse("reports_grant:add")).content.decode()
    select = re.search(r'<select name="countries"[^>]*>', grant_form).group(0)
    assert "multiple" in select and "data-country-picker" in select
    assert 'type="checkbox" name="countries"' not in grant_form
    listing = client_for(staff_user).get(reverse("network_hotline:index")).content.decode()
    assert re.search(r'<select name="country"[^>]*data-country-picker', listing)


def test_the_country_filter_takes_several_countries(staff_user, client_for):
    HotlineFactory(brand_name="Line in Germany", country=Country.objects.get(pk="DE"))
    HotlineFactory(brand_name="Line in France", country=Country.objects.get(pk="FR"))
    HotlineFactory(brand_name="Line in Spain", country=Country.objects.get(pk="ES"))
    page = client_for(staff_user).get(reverse("network_hotline:index"), {"country": ["DE", "FR"]}).content.decode()
    assert "Line in Germany" in page and "Line in France" in page and "Line in Spain" not in page


def test_the_picker_works_without_javascript_as_a_plain_multiple_select():
    html = CountryMultiSelect(choices=[("GH", "Ghana"), ("KE", "Kenya")]).render("countries", ["KE"], {"id": "id_c"})
    assert "<select" in html and "multiple" in html
    assert re.search(r'<option value="KE" selected>Kenya</option>', html)
    assert 'data-placeholder="' in html and 'data-remove-label="Remove"' in html
