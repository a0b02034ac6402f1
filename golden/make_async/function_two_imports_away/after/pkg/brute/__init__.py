from .process import parse
from .units import unit

__all__ = ["parse", "unit"]
