"""``python -m dashboards [--port N] [--host H] [--experiment DIR]``: serve the dashboards."""

import argparse
import sys

from carepath.dashboards.cli import add_arguments, main

parser = argparse.ArgumentParser(
    prog="python -m dashboards", description="Serve the carepath dashboards."
)
add_arguments(parser)
sys.exit(main(parser.parse_args()))
