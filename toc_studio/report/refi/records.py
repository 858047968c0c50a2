"""The plain records a REFI-QDA project file is read into (see ``refi_parse``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ProjectStart:
    name: str
    creating_user: str


@dataclass(slots=True)
class ProjectEnd:
    description: str
    note_refs: list[str]


@dataclass(slots=True)
class UserRec:
    guid: str
    name: str


@dataclass(slots=True)
class CodeRec:
    guid: str
    name: str
    colour: str
    description: str
    parent: str
    codable: bool
    note_refs: list[str]


@dataclass(slots=True)
class CodeBookEnd:
    pass


@dataclass(slots=True)
class VariableRec:
    guid: str
    name: str


@dataclass(slots=True)
class CaseRec:
    guid: str
    name: str
    values: list[tuple[str, str]]
    sources: list[str]
    other_refs: int  # codes the case refers to
    selections: list[str] = field(default_factory=list)  # its selections (a speaker's turns)


@dataclass(slots=True)
class CasesEnd:
    pass


# The bulk of a file, its text selections and their codings, are plain lists (not
# objects): a million of them are made, and sent from the reading process to the
# importing one (``refi.apart``), where unpickling a list costs a fraction of an object.
# A coding: [code guid, user guid, created, note refs] (its own GUID is not kept: nothing
# refers to it). Note refs are an empty tuple until the first (most have none).
CodingRec = list
C_CODE, C_USER, C_CREATED, C_NOTES = range(4)
# A text selection: [guid, start, end, name, user guid, created, codings, note refs]
SelectionRec = list
S_GUID, S_START, S_END, S_NAME, S_USER, S_CREATED, S_CODINGS, S_NOTES = range(8)


@dataclass(slots=True)
class SourceRec:
    guid: str
    name: str
    kind: str  # "text", "pdf" or "transcript" (of an audio or video source)
    plain_path: str
    content: str | None
    selections: list[SelectionRec] = field(default_factory=list)
    whole_codings: list[CodingRec] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)
    # Transcripts: the audio or video source's id, and its sync points as
    # (position in the transcript, milliseconds into the recording).
    media: str = ""
    sync_points: list[tuple[int, int]] = field(default_factory=list)
    rich_path: str = ""  # a text source's rich text (.docx), read when its plain text is not
    pdf_path: str = ""  # a PDF source's file, read when its plain-text representation is not


@dataclass(slots=True)
class NoteRec:
    guid: str
    name: str
    text: str | None
    plain_path: str
    user: str
    created: str
    modified: str


@dataclass(slots=True)
class SetRec:
    guid: str
    name: str
    codes: list[str]
    sources: list[str]
    notes: list[str]


@dataclass(slots=True)
class SkippedRec:
    """Something TOC Studio cannot hold (a picture, a recording without a transcript,
    selections of a region or a stretch of time), with the codings it carried."""

    what: str
    name: str
    codings: int = 0
    selections: int = 0
    why: str = ""
