"""The subcommands of ``irtone``: one module each, with ``add_arguments`` and ``run``."""
import argparse


def count(text: str) -> int:
    """An argparse type: a whole number ≥ 0 (``--answers -1`` is an error, not a quiet default)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number ≥ 0, got {value}")
    return value
