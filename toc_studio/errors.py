"""Errors the services raise. Each message is written for a researcher to act on."""


class TocStudioError(Exception):
    """Base class: something the user asked for cannot be done, and why."""


class NotFound(TocStudioError):
    """The named project, code, document... does not exist."""


class Conflict(TocStudioError):
    """The change clashes with what is stored (a duplicate name, a coding in the way...)."""


class Invalid(TocStudioError):
    """The input itself is wrong (a span outside the document, an empty name...)."""
