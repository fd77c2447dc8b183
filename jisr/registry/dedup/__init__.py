"""Probable duplicate persons in the registry: pure pipeline (no Django), see docs/dedup.md."""
