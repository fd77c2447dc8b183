"""Synthetic national population calibrated on Morocco's 2024 census (pure Python, no Django).

For demos, tests and benchmarks: households and persons with the registry's columns, a synthetic
geography, and a latent consumption that is the ground truth for measuring targeting errors.

    for block in generate(households=20_000, seed=1):
        block.households, block.persons       # Polars DataFrames
    write("var/synth", households=9_275_038, seed=1)   # households/persons.parquet + communes.csv

File formats: docs/formats.md. Calibration targets and their sources: `jisr.synth.params`.
"""

from jisr.synth import cli  # the command line (`jisr synth`) is public too
from jisr.synth.population import (
    BLOCK_HOUSEHOLDS,
    DEFAULT_AS_OF,
    FORMATS,
    Block,
    Format,
    Summary,
    arrow_blocks,
    communes,
    generate,
    write,
)

__all__ = [
    "BLOCK_HOUSEHOLDS",
    "DEFAULT_AS_OF",
    "FORMATS",
    "Block",
    "Format",
    "Summary",
    "arrow_blocks",
    "cli",
    "communes",
    "generate",
    "write",
]
