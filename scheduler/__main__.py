"""python -m scheduler: the onevisit command line."""

from scheduler.cli import main

main()
