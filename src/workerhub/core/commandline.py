"""Shared pieces of the project's own management commands (SPEC §1.7): bad arguments exit 2 with one line on
stderr — argparse would print the usage as well."""

import argparse
import sys

from django.core.management.base import BaseCommand, CommandError


def one_line_error(message):
    sys.stderr.write(f"错误:{message}\n")
    sys.exit(2)


class OneLineParser(argparse.ArgumentParser):
    """For sub-commands: ``add_subparsers(parser_class=OneLineParser)``."""

    def error(self, message):
        one_line_error(message)


def fail(message: str):
    """Refuse bad input from inside a command: one line, exit code 2."""
    raise CommandError(message, returncode=2)


class OneLineCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = one_line_error
        return parser
