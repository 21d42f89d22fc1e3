"""Query generators."""

from .density import RegionSampler

__all__ = ["RegionSampler"]
