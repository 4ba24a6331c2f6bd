"""Settings for the daphne processes of bench/live.py: the project's, with the keys of every
Redis layer under their own prefix, so that a benchmark never talks to a developer's server."""

from coopdesk.settings import *  # noqa: F403

BENCH_LAYER_PREFIX = "coopdesk-bench-live"

# Every Redis layer: the request's push layer must speak where the consumers listen.
for layer in CHANNEL_LAYERS.values():  # noqa: F405
    if layer["BACKEND"].startswith("channels_redis"):
        layer["CONFIG"]["prefix"] = BENCH_LAYER_PREFIX
