"""workforce models."""
