"""Exceptions that cross module boundaries; importing this module costs nothing."""


class XmlUnsafe(RuntimeError):
    """openpyxl would parse XML without defusedxml's protection: refuse to read."""
