"""Gazette: news articles in, structured annotations out."""

__version__ = "0.1.0"
