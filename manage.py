#!/usr/bin/env python
"""Django's command-line utility."""

import gc
import os
import sys

# Commands that read their input, write one result and exit (contract.md §3). Their objects die with the process,
# so they run without the cyclic garbage collector (most of their objects are made while Django, the models and
# WeasyPrint are imported, where it scans a growing heap again and again for cycles there are none of) and end
# without tearing the interpreter down (freeing every module and object one by one): together about a fifth of a
# render_report run's processor time.
ONE_SHOT_COMMANDS = {"render_report", "assess"}


def cache_bytecode() -> None:
    """With PYTHONDONTWRITEBYTECODE set (this project's Docker image, many shells) Python writes no .pyc files, so
    every command compiles every module it imports again: about half the processor time of a
    `manage.py render_report`. Keep them out of the source trees instead, under VAR_DIR/pycache; a
    PYTHONPYCACHEPREFIX set in the environment is used as it is."""
    if sys.dont_write_bytecode and sys.pycache_prefix is None:
        var = os.environ.get("VAR_DIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "var")
        sys.pycache_prefix = os.path.join(var, "pycache")
        sys.dont_write_bytecode = False


def end_now(code: object) -> None:
    """End a one-shot command's process with its exit status, as sys.exit(code) would, but at once: its output
    flushed, its log handlers and database connections closed, and no interpreter teardown."""
    import logging

    from django.db import connections

    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    connections.close_all()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0)


def main() -> None:
    cache_bytecode()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compliance_checker.settings")
    from django.core.management import execute_from_command_line

    if not (sys.argv[1:2] and sys.argv[1] in ONE_SHOT_COMMANDS):
        execute_from_command_line(sys.argv)
        return
    gc.disable()
    try:
        execute_from_command_line(sys.argv)
    except SystemExit as stop:  # a CommandError's exit status (2 for bad input), or --help
        end_now(stop.code)
    end_now(0)


if __name__ == "__main__":
    main()
