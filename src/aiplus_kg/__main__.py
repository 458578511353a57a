"""``python -m aiplus_kg``: the same as the ``aiplus`` command."""

from aiplus_kg.cli import main

if __name__ == "__main__":
    main()
