"""`python -m service` is the `kaitei` command."""

from service.cli import main

main()
