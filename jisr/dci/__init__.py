"""DCI Social Registry API v1.0.0: other government systems query the registry (docs/dci.md)."""
