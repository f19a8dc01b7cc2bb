"""A deterministic, believable demo organisation for trying pmo and for load tests.

``build_demo`` runs every domain's builder in order inside one transaction; later
domains (schedules, resources, finance, risks) add their builders here.
"""

from .builder import build_demo

__all__ = ["build_demo"]
