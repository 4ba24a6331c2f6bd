"""Every form class our apps define, for the tests that hold a rule over all their fields
(text limits, control characters): a form added later is walked too."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

from django import forms

APPS = ("coopdesk", "helpdesk", "journeys", "kb")


def form_classes() -> Iterator[tuple[str, type[forms.BaseForm]]]:
    """(class name, class) of each form defined in our apps' modules (not migrations or
    management commands), in module order."""
    for app in APPS:
        for info in pkgutil.walk_packages(importlib.import_module(app).__path__, f"{app}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            module = importlib.import_module(info.name)
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield name, cls
