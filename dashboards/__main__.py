"""``python -m carepath.dashboards [--port N] [--host H] [--experiment DIR]``: serve them."""

import argparse
import sys

from carepath.dashboards.cli import add_arguments, main

parser = argparse.ArgumentParser(
    prog="python -m carepath.dashboards", description="Serve the carepath dashboards."
)
add_arguments(parser)
sys.exit(main(parser.parse_args()))
