"""Speed a person feels, measured in a real Chromium against ``streamlit run app.py`` on
the demo project: the first page, every page change, a coding cycle (select a passage,
apply a code, see the highlight) and an import preview of a 10,000-word transcript with
names found by spaCy's NER. Medians and p95 of ``--tries`` runs, with the core count and
the load average before and after (the targets are for an idle 2-core machine).

"Settled" means the page's heading is shown and Streamlit has finished running the script
(its status widget gone): what a person sees as "the screen is ready".

    python benchmarks/latency_bench.py [--tries 10] [--only pages,preview] [--json]

``--only`` runs some of the parts: first (the first page), pages (every page change),
coding (the coding cycle), preview (the import preview).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from sqlmodel import Session  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_streamlit, wait_for_app  # noqa: E402
from tests.browser.workspace_helpers import choose, drag_select, nav_link  # noqa: E402
from toc_studio import db  # noqa: E402
from toc_studio.demo import load_demo  # noqa: E402

SCREENS = [  # link in the navigation, heading of the screen
    ("Documents", "Documents"),
    ("Code", "Code"),
    ("Codebook", "Codebook"),
    ("Explore", "Explore"),
    ("Outcomes", "Outcomes"),
    ("Theory of Change", "Theory of Change"),
    ("Export", "Export"),
    ("Projects", "Projects"),
]
# Five words from the middle of an uncoded stretch of the transcript (a different one each
# try), so that its highlight, once drawn, is a segment of exactly those words.
UNCODED = """(n) => {
  const segs = Array.from(document.querySelectorAll('.tocw-seg:not(.tocw-coded)'))
    .filter((s) => s.textContent.split(/\\s+/).length > 12);
  const words = segs[n % segs.length].textContent.split(/\\s+/).filter((w) => w);
  return words.slice(4, 9).join(' ');
}"""
CODED = """(quote) => Array.from(document.querySelectorAll('.tocw-seg.tocw-coded'))
  .some((s) => s.textContent === quote)"""
WORDS = ("mentor", "week", "group", "felt", "support", "really", "talk", "help", "home", "work")
NAMES = ("Sarah Jones", "Tom Baker", "Priya Shah", "Ahmed Khan", "Lucy Brown")


def transcript(words: int, seed: int) -> str:
    """About ``words`` words of interviewer and participant turns naming a few people."""
    rnd, lines, count = random.Random(seed), [], 0
    while count < words:
        speaker = "Interviewer" if len(lines) % 2 == 0 else "Participant"
        body = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(12, 40)))
        body = f"I spoke to {rnd.choice(NAMES)} about it. {body.capitalize()}."
        lines.append(f"{speaker}: {body}")
        count += len(body.split()) + 1
    return "\n\n".join(lines) + "\n"


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": statistics.median(ordered), "p95": p95, "n": len(ordered)}


def settle(page, heading: str) -> None:
    page.get_by_role("heading", name=heading, exact=True).first.wait_for()
    wait_for_app(page)


def first_page(browser, url: str, tries: int) -> list[float]:
    times = []
    for _ in range(tries):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.set_default_timeout(120_000)
        began = time.perf_counter()
        page.goto(url)
        settle(page, "Projects")
        times.append(time.perf_counter() - began)
        context.close()
    return times


def page_changes(page, tries: int) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {name: [] for name, _ in SCREENS}
    for _ in range(tries):
        for link, heading in SCREENS:
            target = nav_link(page, link)
            began = time.perf_counter()
            target.click()
            settle(page, heading)
            found[link].append(time.perf_counter() - began)
    return found


def coding_cycles(page, tries: int) -> list[float]:
    """From the mouse selecting a passage to its highlight drawn, applying one code."""
    nav_link(page, "Code").click()
    settle(page, "Code")
    page.wait_for_selector(".tocw-root .tocw-seg")
    if page.get_by_label("Coding as", exact=True).count():
        choose(page, "Coding as", "Asha")
    times = []
    for number in range(tries):
        if page.get_by_label("Codes to apply", exact=True).count():
            choose(page, "Codes to apply", "Mentee/Outcomes/Personal/Confidence and hope")
        quote = page.evaluate(UNCODED, number)
        began = time.perf_counter()
        drag_select(page, quote)
        apply = page.get_by_role("button", name="Apply to selection")
        apply.wait_for()
        wait_for_app(page)  # a click while the page redraws itself would be lost
        apply.click()
        page.wait_for_function(CODED, arg=quote)
        times.append(time.perf_counter() - began)
        wait_for_app(page)
    return times


def import_previews(page, folder: Path, tries: int) -> list[float]:
    times = []
    for number in range(tries):
        nav_link(page, "Import").click()
        settle(page, "Import transcripts")
        path = folder / f"Interview {number}.txt"
        path.write_text(transcript(10_000, number), encoding="utf-8")
        began = time.perf_counter()
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
        page.get_by_role("heading", name="What will be imported").wait_for()
        wait_for_app(page)
        times.append(time.perf_counter() - began)
        chip = page.locator('[data-testid="stFileChip"]').first
        if chip.count():
            chip.locator('[data-testid="stFileChipDeleteBtn"]').click()
            wait_for_app(page)
        # the next try starts from an empty queue: the last preview gone
        page.get_by_role("heading", name="What will be imported").wait_for(state="detached")
    return times


PARTS = ("first", "pages", "coding", "preview")


def run(tries: int, parts: tuple[str, ...] = PARTS) -> dict:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="toc-latency-"))
    url_db = f"sqlite:///{folder / 'store.db'}"
    engine = db.make_engine(url_db)
    db.init_db(engine)
    with Session(engine) as s:
        load_demo(s)
        s.commit()
    engine.dispose()
    load_before = os.getloadavg()
    proc, url = start_streamlit(url_db, folder / "streamlit.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            results = {}
            if "first" in parts:
                results["first page"] = summary(first_page(browser, url, tries))
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto(url)
            settle(page, "Projects")
            if "pages" in parts:
                changes = page_changes(page, tries)
                every = [t for v in changes.values() for t in v]
                results["page change (any screen)"] = summary(every)
                results |= {f"page change: {k}": summary(v) for k, v in changes.items()}
            if "coding" in parts:
                results["select → apply → highlight"] = summary(coding_cycles(page, tries))
            if "preview" in parts:
                results["import preview, 10,000 words with NER"] = summary(
                    import_previews(page, folder, tries)
                )
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return {
        "cores": os.cpu_count(),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "results": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=10)
    parser.add_argument("--only", default=",".join(PARTS), help="parts, comma-separated")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    parts = tuple(p.strip() for p in args.only.split(",") if p.strip())
    if unknown := set(parts) - set(PARTS):
        parser.error(f"unknown parts {sorted(unknown)}; choose from {', '.join(PARTS)}")
    began, cpu = time.perf_counter(), os.times()
    found = run(args.tries, parts)
    found["wall_seconds"] = round(time.perf_counter() - began, 1)
    after = os.times()  # this process and the children it waited for (the server)
    found["cpu_seconds"] = round(sum(after[:4]) - sum(cpu[:4]), 1)
    if args.json:
        print(json.dumps(found, indent=2))
        return
    print(f"cores {found['cores']}; load average before {found['load_before']}, "
          f"after {found['load_after']}; {found['wall_seconds']} s wall, "
          f"{found['cpu_seconds']} s CPU (harness and server)")  # fmt: skip
    print("| what | median | p95 | tries |\n| --- | --- | --- | --- |")
    for name, r in found["results"].items():
        print(f"| {name} | {r['median']:.2f} s | {r['p95']:.2f} s | {r['n']} |")


if __name__ == "__main__":
    main()
