"""Reference facts shipped with Jisr (pure Python, no Django): regions and 2024 census totals."""

from jisr.reference.census import CENSUS_2024, Census, Region, regions

__all__ = ["CENSUS_2024", "Census", "Region", "regions"]
