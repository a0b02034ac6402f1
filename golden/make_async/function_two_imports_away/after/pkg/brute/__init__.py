from .process import parse

__all__ = ["parse"]
