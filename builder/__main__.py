"""Let ``python -m builder`` run the ``coursepack`` command."""

from builder.cli import main

if __name__ == "__main__":
    main(prog_name="coursepack")
