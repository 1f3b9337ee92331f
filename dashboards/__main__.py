"""``python -m carepath.dashboards [--port N] [--host H] [--root DIR] [--experiment DIR]``."""

import argparse
import sys

from carepath.dashboards.cli import add_arguments, main

parser = argparse.ArgumentParser(
    prog="python -m carepath.dashboards", description="Serve the carepath dashboards."
)
add_arguments(parser)
sys.exit(main(parser.parse_args()))
