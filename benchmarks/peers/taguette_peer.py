"""Taguette 1.5.2 driven as its web client drives it: ``taguette --no-browser`` with its own
database, signed in through the single-user link it prints, then the JSON API on
localhost (the same URLs, the ``_xsrf`` cookie passed back as a query argument).

Taguette asks msg.taguette.org for messages at start-up and has no setting to stop it:
``run.py`` runs every measurement inside a network namespace with only the loopback
interface (``unshare -rn``), so that request fails at once and nothing leaves the machine.

The 12,000 and 100,000 highlights a store holds are written straight into Taguette's
SQLite database (its ``highlights`` and ``highlight_tags`` tables), as 100,000 HTTP
requests would take an hour; every figure is then measured through the HTTP API.
"""

from __future__ import annotations

import html
import http.cookiejar
import json
import os
import re
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser
from pathlib import Path

from benchmarks.peers import corpus as cp


class TextLength(HTMLParser):
    """Taguette's offsets count the UTF-8 bytes of an HTML document's text nodes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @classmethod
    def text(cls, contents: str) -> bytes:
        parser = cls()
        parser.feed(contents)
        parser.close()
        return "".join(parser.parts).encode("utf-8")


class Taguette:
    """A running Taguette server and a signed-in client."""

    def __init__(self, venv: Path, data: Path, port: int) -> None:
        self.db_path = data / "taguette.sqlite3"
        self.base = f"http://127.0.0.1:{port}"
        data.mkdir(parents=True, exist_ok=True)
        self.log = open(data / "taguette.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(venv / "bin" / "taguette"),
                "--no-browser",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--database",
                str(self.db_path),
            ],
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        link = None
        for line in self.process.stdout:
            found = re.search(r"(http://\S+token=\S+)", line)
            if found:
                link = found.group(1)
                break
        if link is None:
            raise RuntimeError(f"Taguette did not start; see {data / 'taguette.log'}")
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        query = urllib.parse.urlparse(link).query
        self.opener.open(f"{self.base}/?{query}").read()  # signs in as admin
        self.opener.open(f"{self.base}/project/new").read()  # sets the _xsrf cookie
        self.xsrf = next(c.value for c in jar if c.name == "_xsrf")

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far (user and system)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()

    def _url(self, path: str, **args: str) -> str:
        return f"{self.base}{path}?" + urllib.parse.urlencode({"_xsrf": self.xsrf, **args})

    def get(self, path: str, **args: str) -> dict:
        with self.opener.open(self._url(path, **args)) as response:
            return json.loads(response.read())

    def post_json(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(
            self._url(path),
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request) as response:
            return json.loads(response.read())

    def new_project(self, name: str) -> int:
        form = urllib.parse.urlencode({"name": name, "description": "", "_xsrf": self.xsrf})
        with self.opener.open(f"{self.base}/project/new", data=form.encode()) as response:
            return int(re.search(r"/project/(\d+)", response.geturl()).group(1))

    def upload(self, project: int, path: Path) -> int:
        """Add one document as the upload form does (multipart, the file and its name)."""
        boundary = uuid.uuid4().hex
        fields = [("name", path.stem), ("description", ""), ("text_direction", "LEFT_TO_RIGHT")]
        body = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields
        )
        body += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{path.name}"\r\nContent-Type: text/html\r\n\r\n'
            ).encode()
            + path.read_bytes()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            self._url(f"/api/project/{project}/document/new"),
            data=body,
            method="POST",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with self.opener.open(request) as response:
            return json.loads(response.read())["created"]

    def new_tag(self, project: int, path: str) -> int:
        return self.post_json(f"/api/project/{project}/tag/new", {"path": path, "description": ""})[
            "id"
        ]

    def add_highlight(self, project: int, document: int, start: int, end: int, tag: int) -> int:
        return self.post_json(
            f"/api/project/{project}/document/{document}/highlight/new",
            {"start_offset": start, "end_offset": end, "tags": [tag]},
        )["id"]

    def highlights_page(self, project: int, tag: str, page: int) -> dict:
        return self.get(
            f"/api/project/{project}/highlights/{urllib.parse.quote(tag)}", page=str(page)
        )

    def whole_list(self, project: int, tag: str) -> int:
        """Every highlight of ``tag``, page by page as the client pages; how many."""
        first = self.highlights_page(project, tag, 1)
        count = len(first["highlights"])
        for page in range(2, first["pages"] + 1):
            count += len(self.highlights_page(project, tag, page)["highlights"])
        return count

    def open_document(self, project: int, document: int) -> int:
        """What the client fetches to show a document: its highlights and its contents."""
        info = self.get(f"/api/project/{project}/document/{document}")
        self.get(f"/api/project/{project}/document/{document}/contents")
        return len(info["highlights"])


def text_lengths(db_path: Path, documents: dict[int, int]) -> dict[int, bytes]:
    """Each corpus document's text as Taguette counts it (UTF-8 bytes of its text nodes)."""
    with sqlite3.connect(db_path) as conn:
        return {
            index: TextLength.text(
                conn.execute("SELECT contents FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
            )
            for index, doc_id in documents.items()
        }


def span(texts: dict[int, bytes], lengths: list[int], item: cp.Planned) -> tuple[int, int]:
    """The plan's span in Taguette's byte offsets."""
    size = len(texts[item.doc])
    start = cp.scaled(item.start, lengths[item.doc], size)
    end = max(start + 1, cp.scaled(item.end, lengths[item.doc], size))
    return start, min(end, size)


def fill(
    db_path: Path,
    documents: dict[int, int],
    tags: dict[int, int],
    items: list[cp.Planned],
    lengths: list[int],
) -> int:
    """Write ``items`` as highlights straight into the database; the snippet is the
    highlighted text (Taguette would keep the paragraph tags inside it too)."""
    texts = text_lengths(db_path, documents)
    with sqlite3.connect(db_path) as conn:
        (first,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM highlights").fetchone()
        rows, links = [], []
        for n, item in enumerate(items, start=first + 1):
            start, end = span(texts, lengths, item)
            snippet = texts[item.doc][start:end].decode("utf-8", errors="ignore")
            rows.append((n, documents[item.doc], start, end, html.escape(snippet, quote=False)))
            links.append((n, tags[item.code]))
        conn.executemany(
            "INSERT INTO highlights (id, document_id, start_offset, end_offset, snippet) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany("INSERT INTO highlight_tags (highlight_id, tag_id) VALUES (?, ?)", links)
    return len(rows)


def timed(fn, *args) -> float:
    began = time.perf_counter()
    fn(*args)
    return time.perf_counter() - began
