"""Thin entry point: ``python cli.py ...`` is ``rolemix ...``."""

from rolemix.cli import run

if __name__ == "__main__":
    run()
