"""The report's former home: its names now live in ``nlp.render`` (kept importable for callers)."""
from nlp.render import *  # noqa: F401,F403
from nlp.render import __all__  # noqa: F401
