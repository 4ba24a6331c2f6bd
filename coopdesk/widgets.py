"""Select and checkboxes that write their HTML in Python, for the queue's filters.

Django renders these with one template per option and one more per set of attributes; the
queue's filters have some twenty options, a noticeable share of the page (README,
"Performance decisions"). They produce the same markup as Django's templates
(django/forms/widgets/*.html), with format_html, which escapes every value the same way.
Other forms use Django's widgets.
"""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def render_attrs(attrs: dict) -> SafeString:
    """As django/forms/widgets/attrs.html: True gives a bare name, False leaves it out."""
    return format_html_join(
        "", "{}", (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            items = format_html_join(
                "", '<option value="{}"{}>{}</option>',
                ((option["value"], render_attrs(option["attrs"]), option["label"])
                 for option in options),
            )
            groups.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, items)
                if group_name else items
            )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], render_attrs(widget["attrs"]),
            mark_safe("".join(groups)),
        )


class QuickChoiceInputs:
    """As django/forms/widgets/multiple_input.html: each option's input in its label."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            items = format_html_join(
                "", '<div><label{}><input type="{}" name="{}" value="{}"{}> {}</label></div>',
                ((format_html(' for="{}"', option["attrs"]["id"])
                  if option["attrs"].get("id") else "",
                  option["type"], option["name"], option["value"],
                  render_attrs(option["attrs"]), option["label"])
                 for option in options),
            )
            groups.append(
                format_html("<div><label>{}</label>{}</div>", group_name, items)
                if group_name else items
            )
        own = widget["attrs"]
        return format_html(
            "<div{}{}>{}</div>",
            format_html(' id="{}"', own["id"]) if own.get("id") else "",
            format_html(' class="{}"', own["class"]) if own.get("class") else "",
            mark_safe("".join(groups)),
        )


class QuickCheckboxSelectMultiple(QuickChoiceInputs, forms.CheckboxSelectMultiple):
    pass
