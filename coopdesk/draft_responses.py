"""What the endpoints that keep a text being typed answer: static/js/draft.js reads
`saved_at` when the text was kept (None when it was emptied, so forgotten), and `error` when
it was refused."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _


def draft_kept(draft) -> JsonResponse:
    return JsonResponse({"saved_at": draft.updated_at.isoformat() if draft else None})


def draft_refused(**details) -> JsonResponse:
    return JsonResponse({"error": _("The draft could not be saved."), **details}, status=400)
