"""PlainSelect writes the same select as Django's own, without a template per option."""

import re

from django import forms

from campaigns.forms import PlainSelect

CHOICES = [
    ("", "Semua desa"),
    ("Kec <A>", [("53.03.01.2001", "D&1"), ("53.03.01.2002", "D2")]),
    ("Kec B", [("53.03.02.2001", 'D"3')]),
]


def same(a, b):
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def test_the_same_html_as_djangos_select_with_groups_escaping_and_the_choice_made():
    for value in ["", "53.03.01.2002", None, "unknown"]:
        django = forms.Select(choices=CHOICES, attrs={"id": "id_desa"}).render("desa", value)
        plain = PlainSelect(choices=CHOICES, attrs={"id": "id_desa"}).render("desa", value)
        assert same(django, plain), (value, plain)
    assert '<option value="53.03.01.2002" selected>D2</option>' in PlainSelect(
        choices=CHOICES
    ).render("desa", "53.03.01.2002")
    assert "Kec &lt;A&gt;" in plain and "D&amp;1" in plain and "D&quot;3" in plain
