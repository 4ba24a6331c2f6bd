"""coopdesk.widgets writes the same HTML as Django's own select, checkbox and radio templates."""

import pytest
from django import forms
from django.test.html import parse_html

from coopdesk.widgets import QuickCheckboxSelectMultiple, QuickRadioSelect, QuickSelect

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


@pytest.mark.parametrize("value", [None, "", "yes", "no"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_helpful", "required": True}])
def test_quick_radios_write_what_django_writes(value, attrs):
    choices = [("yes", "Oui"), ("no", "Non <pas> & co")]
    quick = QuickRadioSelect(choices=choices).render("helpful", value, attrs=attrs)
    django = forms.RadioSelect(choices=choices).render("helpful", value, attrs=attrs)
    same_html(quick, django)


def test_quick_checkboxes_group_like_django():
    quick = QuickCheckboxSelectMultiple(choices=GROUPED).render("c", [2], attrs={"id": "id_c"})
    django = forms.CheckboxSelectMultiple(choices=GROUPED).render("c", [2], attrs={"id": "id_c"})
    same_html(quick, django)


def test_quick_select_escapes_labels_and_values():
    html = QuickSelect(choices=[('"><script>', "<b>x</b>")]).render("f", None)
    assert "<script>" not in html and "<b>" not in html


def test_queue_filter_and_request_forms_use_the_quick_widgets():
    from helpdesk.forms import AssignForm, QueueFilter, ReplyForm, TransferForm

    assert isinstance(ReplyForm.base_fields["then"].widget, QuickSelect)
    assert isinstance(AssignForm.base_fields["assignee"].widget, QuickSelect)
    assert isinstance(TransferForm.base_fields["category"].widget, QuickSelect)
    filters = QueueFilter.base_filters
    assert filters["state"].extra["widget"] is QuickCheckboxSelectMultiple
    for name in ("priority", "category", "who", "sort"):
        assert filters[name].extra["widget"] is QuickSelect


def test_was_this_helpful_uses_the_quick_radios():
    from kb.forms import FeedbackForm

    assert isinstance(FeedbackForm.base_fields["helpful"].widget, QuickRadioSelect)
