"""What the role check costs: ``access.require`` with nobody signed in (the command line,
the single-user app) and as a signed-in member (one look-up of their membership through
the ``RoleWanted`` event), and listing the projects as a member of one of many.

    python benchmarks/roles_bench.py [--checks 2000] [--projects 50] [--db URL]

Prints the mean time of one check in microseconds, and of one listing in milliseconds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session  # noqa: E402

from tests.builders import build_mentoring_project  # noqa: E402
from toc_studio import access, db  # noqa: E402
from toc_studio.accounts import members, users  # noqa: E402
from toc_studio.accounts.signin import actor_of  # noqa: E402
from toc_studio.project import projects  # noqa: E402


def per_call(work, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        work()
    return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--db", help="a store URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'roles.db'}"
    engine = db.make_engine(url)
    db.init_db(engine)
    with Session(engine, expire_on_commit=False) as s:
        project = build_mentoring_project(s).project
        for n in range(args.projects - 1):
            projects.create_project(s, f"Evaluation {n}")
        lee = actor_of(users.add_user(s, "Lee", None, email="lee@example.org"))
        members.add_member(s, project, "Lee", "lead")
        s.commit()

        def check() -> None:
            access.require(s, project.id, "lead", "edit the codebook")

        nobody = per_call(check, args.checks)
        with access.acting_as(lee):
            member = per_call(check, args.checks)
            listing = per_call(lambda: projects.list_projects(s), 20)
        everyone = per_call(lambda: projects.list_projects(s), 20)
    engine.dispose()
    print(f"require, nobody signed in:  {nobody * 1e6:8.2f} µs")
    print(f"require, a signed-in lead:  {member * 1e6:8.0f} µs")
    print(f"list {args.projects} projects, nobody signed in: {everyone * 1e3:6.1f} ms")
    print(f"list {args.projects} projects, a member of one:  {listing * 1e3:6.1f} ms")


if __name__ == "__main__":
    main()
