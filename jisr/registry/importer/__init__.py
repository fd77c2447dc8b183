"""Bulk import of the registry from households and persons files (`jisr registry import`)."""

from jisr.registry.importer.errors import ImportRejected, RegistryChanged
from jisr.registry.importer.service import ImportResult, registry_import

__all__ = ["ImportRejected", "ImportResult", "RegistryChanged", "registry_import"]
