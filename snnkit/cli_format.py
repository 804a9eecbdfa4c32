"""Help formatting shared by the ``snnkit`` subcommands."""

import argparse


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """--help shows each option's default (unless None or a flag) and keeps the epilog's
    line breaks."""

    def _get_help_string(self, action):
        text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and action.option_strings \
                and "%(default)" not in text:
            text += " (default: %(default)s)"
        return text
