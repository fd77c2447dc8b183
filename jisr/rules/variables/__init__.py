"""Jisr's variables: the registry's inputs, and the ASD, AMO and CNSS rules (see docs/rules.md)."""

from __future__ import annotations

from jisr.rules.engine import System
from jisr.rules.variables import amo, asd, cnss, common


def build() -> System:
    system = System()
    for module in (common, asd, amo, cnss):
        module.define(system)
    return system
