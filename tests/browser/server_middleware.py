"""Middleware for the browser tests' server only (tests/browser/server_settings.py)."""

from django.contrib.contenttypes.models import ContentType


def forget_content_types(get_response):
    def middleware(request):
        ContentType.objects.clear_cache()
        return get_response(request)

    return middleware
