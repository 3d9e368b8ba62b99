"""Asking a model: tasks and their checks, the sans-I/O flow, the twin summarizers, the
transport with its retries and fallbacks, provider presets, prompts, settings and the cache.

The only floor that imports ``openai`` and ``instructor``.
"""
