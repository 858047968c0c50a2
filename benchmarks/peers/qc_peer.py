"""qualitative-coding (qc) 1.7.8 driven through its command line, in its own project folder.

qc codes whole lines: ``qc code CODER`` writes a codes file beside the document (one line of
comma-separated codes per line of text), opens the editor named in ``settings.yaml`` and,
once the editor exits, reads the file back into its database. The editor here is a small
script (``EDITOR_SCRIPT``) that appends the code in ``$QCB_CODE`` to line ``$QCB_LINE``, or
changes nothing when they are unset (a session that only opens the document).

The 12,000 and 100,000 codings a store holds are written as qc's ``update_coded_lines``
(what ``qc code`` calls after the editor) writes them: a ``coded_line`` row linked to the
paragraph ``location`` that holds the line, codes and coders registered, the codebook
listing the codes. ``Qc.fill`` writes them straight into qc's SQLite database (seconds);
``Qc.fill_through_qc`` calls ``update_coded_lines`` itself in qc's virtual environment
(``FILL_SCRIPT``; 12,000 took 72 s, 100,000 about ten minutes), and ``--qc-fill api`` uses
it. A plan coding becomes the line its span starts on.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from benchmarks.peers import corpus as cp

EDITOR_SCRIPT = """\
import os, sys
path = sys.argv[1]
if "QCB_LINE" in os.environ:
    lines = open(path).read().split("\\n")
    n, code = int(os.environ["QCB_LINE"]), os.environ["QCB_CODE"]
    lines[n] = (lines[n] + ", " + code) if lines[n].strip() else code
    open(path, "w").write("\\n".join(lines))
"""

FILL_SCRIPT = """\
import json, sys
from qualitative_coding.corpus import QCCorpus
settings, plan = sys.argv[1], json.load(open(sys.argv[2]))
corpus = QCCorpus(settings)
with corpus.session():
    for document, coder, lines in plan:
        corpus.update_coded_lines(document, coder, lines)
"""


def settings_text(editor: Path, python: str = sys.executable) -> str:
    """What is added to a new project's settings.yaml: the benchmark's editor."""
    return (
        "editor: bench\neditors:\n  bench:\n    name: Bench\n"
        f"    code_command: '{python} {editor} \"{{codes_file_path}}\"'\n"
        "    memo_command: 'true'\n"
    )


def fill_plan(
    items: list[cp.Planned], texts: list[str], names: list[str], existing: dict | None = None
) -> list:
    """Each (document, coder)'s full set of coded lines after adding ``items`` to
    ``existing`` (updated in place); ``update_coded_lines`` replaces a coder's lines."""
    existing = {} if existing is None else existing
    touched = set()
    for item in items:
        key = (f"{names[item.doc]}.txt", cp.coder_name(item.coder))
        line = cp.line_of(texts[item.doc], item.start)
        existing.setdefault(key, set()).add((line, cp.code_name(item.code)))
        touched.add(key)
    return [
        [doc, coder, [{"line": n, "code_id": c} for n, c in sorted(existing[(doc, coder)])]]
        for doc, coder in sorted(touched)
    ]


def coded_lines(state: dict) -> int:
    return sum(len(lines) for lines in state.values())


class Qc:
    """One qc project folder."""

    def __init__(self, venv: Path, folder: Path) -> None:
        self.venv, self.folder = venv, folder
        self.qc = str(venv / "bin" / "qc")
        self.state: dict = defaultdict(set)

    def command(self, *args: str) -> list[str]:
        return [self.qc, *args]

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(self.command("init"), cwd=self.folder, check=True, capture_output=True)
        editor = self.folder / "bench_editor.py"
        editor.write_text(EDITOR_SCRIPT)
        settings = self.folder / "settings.yaml"
        text = settings.read_text().replace("editor: code\n", "")
        settings.write_text(text + settings_text(editor, str(self.venv / "bin" / "python")))

    def fill(self, items: list[cp.Planned], texts: list[str], names: list[str]) -> int:
        """Add ``items`` to qc's database directly; how many coded lines were new."""
        new = []
        for item in items:
            key = (f"{names[item.doc]}.txt", cp.coder_name(item.coder))
            entry = (cp.line_of(texts[item.doc], item.start), cp.code_name(item.code))
            if entry not in self.state[key]:
                self.state[key].add(entry)
                new.append((*key, *entry))
        with sqlite3.connect(self.folder / "qualitative_coding.sqlite3") as conn:
            paragraphs = {}
            for doc in {d for d, *_ in new}:
                rows = conn.execute(
                    "SELECT l.start_line, l.end_line, l.id FROM location l JOIN document_index i "
                    "ON l.document_index_id = i.id WHERE i.document_id = ? AND i.name = "
                    "'paragraphs' ORDER BY l.start_line",
                    (doc,),
                ).fetchall()
                paragraphs[doc] = rows
            conn.executemany(
                "INSERT OR IGNORE INTO code (name) VALUES (?)", sorted({(c,) for *_, c in new})
            )
            conn.executemany(
                "INSERT OR IGNORE INTO coder (name) VALUES (?)", sorted({(c,) for _, c, *_ in new})
            )
            (first,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM coded_line").fetchone()
            lines, links = [], []
            for n, (doc, coder, line, code) in enumerate(new, start=first + 1):
                rows = paragraphs[doc]
                at = bisect.bisect_right(rows, (line, float("inf"))) - 1
                if at < 0 or not rows[at][0] <= line < rows[at][1]:
                    raise RuntimeError(f"qc has no paragraph for {doc} line {line}")
                lines.append((n, line, coder, code))
                links.append((n, rows[at][2]))
            conn.executemany(
                "INSERT INTO coded_line (id, line, coder_id, code_id) VALUES (?, ?, ?, ?)", lines
            )
            conn.executemany(
                "INSERT INTO coded_line_location_association (coded_line_id, location_id) "
                "VALUES (?, ?)",
                links,
            )
            codes = [name for (name,) in conn.execute("SELECT name FROM code ORDER BY name")]
        (self.folder / "codebook.yaml").write_text("".join(f"- {c}\n" for c in codes))
        return len(lines)

    def fill_through_qc(self, items: list[cp.Planned], texts: list[str], names: list[str]) -> None:
        plan = fill_plan(items, texts, names, self.state)
        script = self.folder / "bench_fill.py"
        script.write_text(FILL_SCRIPT)
        data = self.folder / "bench_fill.json"
        data.write_text(json.dumps(plan))
        subprocess.run(
            [str(self.venv / "bin" / "python"), str(script), "settings.yaml", str(data)],
            cwd=self.folder,
            check=True,
            capture_output=True,
        )
