"""The shape of the house, checked by reading the code (ast), not by grepping it.

- The ground floor (coopdesk/) imports no app: apps register what it needs at start-up.
- Only coopdesk/notify/ sends in-app notifications or channel-layer messages.
- No view, form, consumer or admin writes a state field: only a model transition, run by an
  action, does (STYLE.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django_fsm import FSMFieldMixin

ROOT = Path(__file__).resolve().parents[1]
APPS = {"helpdesk", "journeys", "kb"}


def modules(*folders: str):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), str(path))


def imported(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):  # inside functions too: no import dodges the rule
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


def app_imports(tree: ast.AST) -> list[str]:
    return [name for name in imported(tree) if name.split(".")[0] in APPS]


def test_the_ground_floor_imports_no_app():
    offenders = {
        path: found for path, tree in modules("coopdesk")
        if (found := app_imports(tree))
    }
    assert offenders == {}


def test_the_import_rule_catches_an_import_inside_a_function():
    tree = ast.parse("def f():\n    from helpdesk.models import Ticket\n    import kb\n")
    assert app_imports(tree) == ["helpdesk.models", "kb"]
    assert app_imports(ast.parse("from coopdesk import notify\nimport journeysx\n")) == []


SENDERS = {"group_send", "send_robust"}


def sends(tree: ast.AST) -> list[str]:
    """Ways to send an in-app notification or a channel-layer message."""
    found = [name for name in imported(tree) if name == "notifications.signals"]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in SENDERS:
            found.append(node.attr)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if node.func.attr == "send" and isinstance(owner, ast.Name) and owner.id in {
                "notify", "notify_signal"
            }:
                found.append(f"{owner.id}.send")
    return found


@pytest.mark.parametrize("code", [
    "from notifications.signals import notify\nnotify.send(actor, recipient=user, verb='x')",
    "async def f(layer):\n    await layer.group_send('user.1', {})",
    "from asgiref.sync import async_to_sync\nasync_to_sync(layer.group_send)('g', {})",
])
def test_the_sending_rule_catches(code):
    assert sends(ast.parse(code))


def test_only_notify_sends_notifications_and_live_messages():
    offenders = {
        path: found for path, tree in modules("coopdesk", "helpdesk", "journeys", "kb")
        if not path.startswith("coopdesk/notify/") and (found := sends(tree))
    }
    assert offenders == {}


# Modules that take input from people or sockets: they call actions, they never write a state.
ENTRY_POINTS = {"views", "forms", "consumers", "admin"}
WRITING_CALLS = {"update", "create", "get_or_create", "update_or_create", "bulk_update"}


def is_entry_point(path: str) -> bool:
    return bool({part.removesuffix(".py") for part in path.split("/")} & ENTRY_POINTS)


def state_fields() -> set[str]:
    """The names of every lifecycle's state field (django-fsm-2 fields)."""
    return {
        field.name
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FSMFieldMixin)
    }


def state_writes(tree: ast.AST, fields: set[str]) -> list[int]:
    """Lines that write one of `fields`: `x.state = ...`, `x.state += ...`,
    `setattr(x, "state", ...)`, or `.update(state=...)` and the other writing query calls."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(
                isinstance(item, ast.Attribute) and item.attr in fields
                for target in targets for item in ast.walk(target)
            ):
                lines.add(node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant) and node.args[1].value in fields
            ):
                lines.add(node.lineno)
            if isinstance(func, ast.Attribute) and func.attr in WRITING_CALLS and any(
                keyword.arg in fields for keyword in node.keywords
            ):
                lines.add(node.lineno)
    return sorted(lines)


def test_the_state_rule_catches_every_form_of_write():
    code = (
        "ticket.state = 'closed'\n"
        "setattr(ticket, 'state', 'closed')\n"
        "Ticket.objects.filter(pk=1).update(state='closed')\n"
        "registration.status = 'waiting'\n"
        "render(request, 'x.html', status=400)\n"
        "ticket.state_label = 'x'\n"
        "if ticket.state == 'closed': pass\n"
    )
    assert state_writes(ast.parse(code), {"state", "status"}) == [1, 2, 3, 4]
    assert {"state", "status"} <= state_fields()


def test_no_view_form_consumer_or_admin_writes_a_state():
    fields = state_fields()
    offenders = {
        path: lines for path, tree in modules("coopdesk", "helpdesk", "journeys", "kb")
        if is_entry_point(path) and (lines := state_writes(tree, fields))
    }
    assert offenders == {}
    entry_points = [path for path, _tree in modules("helpdesk", "journeys") if is_entry_point(path)]
    assert {"helpdesk/forms.py", "journeys/admin.py"} <= set(entry_points)
    assert {"helpdesk/views/tickets.py", "helpdesk/views/queues.py"} <= set(entry_points)
    assert any(path.startswith("journeys/views/") for path in entry_points)


def test_no_template_comment_runs_over_several_lines():
    """`{# … #}` is a comment on one line only: over two, Django prints it on the page."""
    from django.conf import settings

    broken = [
        f"{path}:{number}"
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert broken == []

