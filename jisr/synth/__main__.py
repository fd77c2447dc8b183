"""`python -m jisr.synth --households N --seed S --out DIR`: the synth command without Django."""

import argparse
import sys

from jisr.synth.cli import build_parser, run

parser = argparse.ArgumentParser(prog="python -m jisr.synth", description=__doc__)
build_parser(parser)
sys.exit(run(parser.parse_args()))
