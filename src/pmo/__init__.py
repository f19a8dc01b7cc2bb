"""pmo: an open-source Project / Program / Portfolio Management Office system."""

__version__ = "0.1.0"
