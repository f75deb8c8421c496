"""Thin entry point: ``python cli.py ...`` is ``rolemix ...``."""

from rolemix.cli import main

if __name__ == "__main__":
    main()
