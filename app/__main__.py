"""`python -m app ...` runs the command line."""

from app.cli import main

if __name__ == "__main__":
    raise SystemExit(main(prog="python -m app"))
