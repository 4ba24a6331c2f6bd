"""Settings for the daphne processes of bench/live.py: the project's, with the Redis layer's
keys under their own prefix so that a benchmark never talks to a developer's server."""

from coopdesk.settings import *  # noqa: F403

if CHANNEL_LAYERS["default"]["BACKEND"].startswith("channels_redis"):  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = "coopdesk-bench-live"  # noqa: F405
