"""Errors the services raise. Each message is written for a researcher to act on."""


class TocStudioError(Exception):
    """Base class: something the user asked for cannot be done, and why."""


class NotFound(TocStudioError):
    """The named project, code, document... does not exist."""


class Conflict(TocStudioError):
    """The change clashes with what is stored (a duplicate name, a coding in the way...)."""


class Invalid(TocStudioError):
    """The input itself is wrong (a span outside the document, an empty name...)."""


class Cancelled(Exception):
    """Long work was stopped on request (its progress callback raised this); its transaction
    rolls back. Not a TocStudioError, so code that reports those per item lets it through."""


def fit(value: str, limit: int, what: str) -> str:
    """``value`` if it fits a column of ``limit`` characters; otherwise Invalid, naming the
    limit (PostgreSQL would refuse it with a bare DataError). ``what``: "A code name"."""
    if len(value) > limit:
        raise Invalid(
            f"{what} can be at most {limit:,} characters long; this one has {len(value):,}. "
            "Shorten it."
        )
    return value


def database_error_sentence(exc: BaseException) -> str:
    """What to tell a user about an error raised by the database driver or SQLAlchemy.

    The sentence never quotes the SQL, its parameters (transcript text) or the driver's
    message, only the kind of failure and what to do; log ``exc`` for the details.
    """
    kind = type(exc).__name__
    orig = getattr(exc, "orig", None) or exc
    message = str(orig).casefold()
    sqlstate = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
    if "database is locked" in message or "database is busy" in message or sqlstate == "55P03":
        return (
            "The store is busy with another change that did not finish in time; nothing was "
            "changed. Try again in a moment."
        )
    if sqlstate == "40001" or sqlstate == "40P01" or "deadlock" in message:
        return "Another change to the same data got in the way; nothing was changed. Try again."
    if kind == "IntegrityError" or sqlstate.startswith("23"):
        if "foreign key" in message or sqlstate == "23503":
            return (
                "Something this change refers to was deleted meanwhile (or never existed); "
                "nothing was changed."
            )
        if "unique" in message or sqlstate == "23505":
            return (
                "Something with the same name or content was stored at the same moment; "
                "nothing was changed. Try again: it will be found and reused."
            )
        return "The change breaks a rule of the store; nothing was changed."
    if kind == "DataError" or sqlstate.startswith("22"):
        return (
            "A value could not be stored: it is too long, out of range, or holds characters "
            "the database refuses; nothing was changed."
        )
    if "no such table" in message or "no such column" in message or sqlstate in ("42P01", "42703"):
        return "The store is not set up or is out of date: run 'toc-studio init' first."
    if "unable to open database" in message or "disk i/o" in message or "readonly" in message:
        return "The store's file cannot be opened or written; check its path and permissions."
    if "disk is full" in message or sqlstate == "53100":
        return "The disk holding the store is full; nothing was changed."
    if kind == "OperationalError" or sqlstate.startswith("08"):
        return (
            "The database could not be reached or refused the connection; check the --db "
            "address and that the server is running. Nothing was changed."
        )
    return f"The database refused the request ({kind}); nothing was changed."


class Refused(TocStudioError):
    """The person signed in may not do this in this project (their role is too low, or
    they are not a member). Nothing was changed."""
