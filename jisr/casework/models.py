"""casework models."""
