"""coopdesk.widgets writes the same HTML as Django's own select and checkbox templates."""

import pytest
from django import forms
from django.test.html import parse_html

from coopdesk.widgets import QuickCheckboxSelectMultiple, QuickSelect

CHOICES = [("", "Any"), ("new", "New"), ("open", "In <progress> & co"), (3, "Trois")]
GROUPED = [("Juridique", [(1, "Contrat"), (2, "Litige")]), ("Paie", [(3, "Fiche")]), (4, "Autre")]


def same_html(quick: str, django: str) -> None:
    assert parse_html(quick) == parse_html(django), f"\n{quick}\n!=\n{django}"


@pytest.mark.parametrize("choices", [CHOICES, GROUPED])
@pytest.mark.parametrize("value", [None, "", "open", 3, "3"])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_f", "required": True, "aria-describedby": "id_f_helptext"}]
)
def test_quick_select_writes_what_django_writes(choices, value, attrs):
    quick = QuickSelect(choices=choices).render("f", value, attrs=attrs)
    django = forms.Select(choices=choices).render("f", value, attrs=attrs)
    same_html(quick, django)


@pytest.mark.parametrize("value", [None, [], ["open"], ["new", "open", 3]])
@pytest.mark.parametrize("attrs", [None, {"id": "id_state"}, {"id": "id_s", "class": "checks"}])
def test_quick_checkboxes_write_what_django_writes(value, attrs):
    quick = QuickCheckboxSelectMultiple(choices=CHOICES[1:]).render("state", value, attrs=attrs)
    django = forms.CheckboxSelectMultiple(choices=CHOICES[1:]).render(
        "state", value, attrs=attrs
    )
    same_html(quick, django)


def test_quick_checkboxes_group_like_django():
    quick = QuickCheckboxSelectMultiple(choices=GROUPED).render("c", [2], attrs={"id": "id_c"})
    django = forms.CheckboxSelectMultiple(choices=GROUPED).render("c", [2], attrs={"id": "id_c"})
    same_html(quick, django)


def test_quick_select_escapes_labels_and_values():
    html = QuickSelect(choices=[('"><script>', "<b>x</b>")]).render("f", None)
    assert "<script>" not in html and "<b>" not in html


def test_only_the_queue_filter_uses_the_quick_widgets():
    from helpdesk.forms import AssignForm, QueueFilter, ReplyForm, TransferForm
    from kb.forms import FeedbackForm

    filters = QueueFilter.base_filters
    assert filters["state"].extra["widget"] is QuickCheckboxSelectMultiple
    for name in ("priority", "category", "who", "sort"):
        assert filters[name].extra["widget"] is QuickSelect
    for field in (ReplyForm.base_fields["then"], AssignForm.base_fields["assignee"],
                  TransferForm.base_fields["category"], FeedbackForm.base_fields["helpful"]):
        assert type(field.widget) in (forms.Select, forms.RadioSelect)
