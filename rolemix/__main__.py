"""``python -m rolemix``."""

from rolemix.cli import main

main()
