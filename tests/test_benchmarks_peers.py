"""The pure parts of benchmarks/peers/: the shared corpus and coding plan, the mapping of a
span to each peer's coordinates, and the table of ratios. Nothing is installed, no server
is started, nothing reaches the network."""

from pathlib import Path

from benchmarks.peers import corpus as cp
from benchmarks.peers import qc_peer, taguette_peer
from benchmarks.peers import table as tb


def small_corpus(tmp_path):
    return cp.write(tmp_path, docs=3, words=600, big=5_000)


def test_corpus_files_and_turns(tmp_path):
    made = small_corpus(tmp_path)
    assert made.names[-1] == cp.BIG_NAME and made.big == 3
    assert made.txt(0).parent.name == "txt" and made.txt(made.big).parent.name == "long_txt"
    assert sorted(p.name for p in (tmp_path / "txt").iterdir()) == [
        f"{n}.txt" for n in made.names[:3]
    ]
    for index, text in enumerate(made.texts):
        assert made.txt(index).read_text(encoding="utf-8") == text
        turns = text.rstrip("\n").split("\n\n")
        assert all(": " in turn and "\n" not in turn for turn in turns)  # one line a turn
    first = made.texts[0].split("\n\n")
    assert first[0].startswith("Interviewer: ") and first[1].startswith("P00000: ")
    assert made.words == sum(len(t.split()) for t in made.texts[:3]) >= 3 * 600
    assert len(made.texts[-1]) >= 5_000
    # the same seed makes the same corpus
    assert cp.texts(docs=3, words=600, big=5_000)[1] == made.texts


def test_html_escapes_and_keeps_one_paragraph_a_turn(tmp_path):
    page = cp.to_html("t", "Interviewer: a <b> & c\n\nP1: d\n")
    assert "<p>Interviewer: a &lt;b&gt; &amp; c</p>" in page and page.count("<p>") == 2
    body = page.split("<body>")[1]
    text = taguette_peer.TextLength.text(body).decode()
    assert "Interviewer: a <b> & c" in text and "P1: d" in text


def test_plan_prefixes_are_smaller_stores_of_the_same_shape():
    lengths = [10_000, 12_000, 9_000, 300_000]
    full = cp.plan(lengths, total=3_000, big_codings=200)
    assert cp.plan(lengths, total=1_000, big_codings=200) == full[:1_000]
    assert all(p.doc == 3 for p in full[:200]) and all(p.doc < 3 for p in full[200:])
    assert all(40 <= p.end - p.start <= 400 and p.end <= lengths[p.doc] for p in full)
    on_target = [p for p in full[200:] if p.code == cp.TARGET]
    assert len(on_target) == 28  # one in a hundred of the transcripts' codings
    assert not any(p.code == cp.TARGET for p in full[:200])
    assert {p.coder for p in full} == set(range(cp.CODERS))


def test_spans_move_to_each_peers_coordinates():
    assert cp.scaled(50, 100, 300) == 150 and cp.scaled(100, 100, 80) == 80
    assert cp.scaled(5, 0, 10) == 0
    assert cp.line_of("a\n\nb\n\nc", 0) == 0 and cp.line_of("a\n\nb\n\nc", 3) == 2
    texts = {0: "héllo wörld".encode()}
    start, end = taguette_peer.span(texts, [11], cp.Planned(0, 1, 0, 0, 11))
    assert (start, end) == (0, len(texts[0]))


def test_qc_plan_gives_each_coder_all_their_lines_once():
    text = "Interviewer: a\n\nP1: b\n\nInterviewer: c\n"
    items = [
        cp.Planned(0, 1, 0, 0, 5),
        cp.Planned(0, 1, 0, 2, 9),  # same line, same code, same coder: one coded line
        cp.Planned(0, 2, 1, 17, 20),
    ]
    state: dict = {}
    plan = qc_peer.fill_plan(items, [text], ["doc"], state)
    assert plan == [
        ["doc.txt", "coder_0", [{"line": 0, "code_id": "code_01"}]],
        ["doc.txt", "coder_1", [{"line": 2, "code_id": "code_02"}]],
    ]
    again = qc_peer.fill_plan([cp.Planned(0, 3, 0, 23, 30)], [text], ["doc"], state)
    assert again == [
        [
            "doc.txt",
            "coder_0",
            [{"line": 0, "code_id": "code_01"}, {"line": 4, "code_id": "code_03"}],
        ]
    ]
    assert qc_peer.coded_lines(state) == 3
    settings = qc_peer.settings_text(Path("/e.py"), "/venv/bin/python")
    assert "editor: bench" in settings
    assert """code_command: '/venv/bin/python /e.py "{codes_file_path}"'""" in settings


def test_medians_percentiles_and_ratios():
    assert tb.median([3, 1, 2]) == 2
    assert tb.p95(list(range(1, 21))) == 19 and tb.p95([5.0]) == 5.0
    assert tb.ratio(1.0, 4.0) == 0.25
    assert tb.ratio(None, 1.0) is None and tb.ratio(1.0, None) is None and tb.ratio(1, 0) is None
    assert tb.seconds(0.0123) == "12.3 ms" and tb.seconds(0.5) == "500 ms"
    assert tb.seconds(2.5) == "2.50 s" and tb.seconds(68.2) == "68.2 s"
    assert tb.ratio_text(0.0042) == "1/238" and tb.ratio_text(1.5) == "1.50"


def test_table_has_one_row_per_work_with_ratios_and_reasons():
    rows = [
        tb.Row(
            "open | the document",
            tb.Cell(0.01, "10.0 ms"),
            {"Taguette": tb.Cell(1.0, "1.00 s"), "qc": tb.Cell(2.0, "2.00 s")},
        ),
        tb.Row(
            "qdpx export",
            tb.Cell(1.2, "1.20 s"),
            {"Taguette": tb.Cell.cannot("no qdpx\nexport " + "x" * 300)},
        ),
    ]
    text = tb.render(rows, ["Taguette", "qc"], tb.header_line("2026-12-03", 2, ["1.5"], "quick"))
    lines = text.splitlines()
    assert lines[0].startswith("Run 2026-12-03, `nproc` = 2, load average (1 min) 1.5")
    assert lines[2] == "| work | TOC Studio | Taguette | qc | ours / Taguette | ours / qc |"
    assert lines[4] == "| open \\| the document | 10.0 ms | 1.00 s | 2.00 s | 0.01 | 1/200 |"
    assert lines[5].startswith("| qdpx export | 1.20 s | – (no qdpx export xxx")
    assert lines[5].endswith("| – (not run) | – | – |") and len(lines) == 6
