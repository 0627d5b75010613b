"""Exceptions that cross module boundaries; importing this module costs nothing."""


class XmlUnsafe(RuntimeError):
    """openpyxl would parse XML without defusedxml's protection: refuse to read."""


class LimitExceeded(Exception):
    """A limit of :class:`~xlsxperf.config.Limits` was reached while reading (S005)."""

    def __init__(self, reason: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason = reason
        self.reason_en = reason_en
