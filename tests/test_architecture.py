"""The shape of the house, checked by reading the code (ast), not by grepping it.

- The ground floor (coopdesk/) imports no app: apps register what it needs at start-up.
- Only coopdesk/notify/ sends in-app notifications or channel-layer messages.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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
