"""``python -m rolemix``."""

from rolemix.cli import run

run()
