"""``toc-studio user|member|audit``: accounts, project roles and the audit log.

The command line needs no sign-in: whoever runs it holds the database anyway (a local
administrator). What it changes is written to the audit log under the local user's name.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from toc_studio.cli.common import EXIT_OK, CommandError, Commands, emit_rows, store

ROLES = ("viewer", "coder", "lead", "owner")  # toc_studio.access.ROLES, without importing it


def register(cli: Commands) -> None:
    """Add ``user``, ``member`` and ``audit``."""
    user = cli.group("user", metavar="ACTION")
    p = user.command("add", cmd_user_add, "add an account (the password read from stdin)")
    p.add_argument("name")
    p.add_argument("--admin", action="store_true", help="may manage accounts; owner everywhere")
    p.add_argument("--email", help="the address your organisation's sign-in vouches for")
    _password_option(p)
    p = user.command("list", cmd_user_list, "list the accounts")
    p.add_argument("--json", action="store_true")
    p = user.command("disable", cmd_user_disable, "stop an account from signing in")
    p.add_argument("name")
    p = user.command("enable", cmd_user_enable, "let a disabled account sign in again")
    p.add_argument("name")
    p = user.command("passwd", cmd_user_passwd, "set an account's password (read from stdin)")
    p.add_argument("name")
    _password_option(p)

    member = cli.group("member", metavar="ACTION")
    p = member.command("add", cmd_member_add, "give an account a role in a project")
    p.add_argument("--project", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--role", required=True, choices=ROLES)
    p = member.command("list", cmd_member_list, "list a project's members and roles")
    p.add_argument("--project", required=True)
    p.add_argument("--json", action="store_true")
    p = member.command("remove", cmd_member_remove, "take an account out of a project")
    p.add_argument("--project", required=True)
    p.add_argument("--user", required=True)

    p = cli.command("audit", cmd_audit)
    p.add_argument("--project", help="only this project's events (default: the whole store)")
    p.add_argument("--json", action="store_true")


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (its first line; asked for on a terminal)",
    )


def read_password(args: argparse.Namespace) -> str | None:
    """The password given on standard input, or ``None`` without ``--password-stdin``."""
    if not args.password_stdin:
        return None
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise CommandError("The two passwords differ; nothing was changed.")
        return first
    line = sys.stdin.readline()
    return line[:-1] if line.endswith("\n") else line


def cmd_user_add(args: argparse.Namespace) -> int:
    from toc_studio.accounts import users

    password = read_password(args)
    if password is None and not args.email:
        raise CommandError(
            "Give the password on standard input with --password-stdin (or an --email to "
            "sign in through your organisation only)."
        )
    password = password.rstrip("\r") if password is not None else None
    with store(args) as session:
        user = users.add_user(session, args.name, password, admin=args.admin, email=args.email)
        name = user.name
    kind = "administrator account" if args.admin else "account"
    print(f"Added the {kind} {name!r}.")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    from toc_studio.accounts import users

    with store(args) as session:
        summaries = users.list_users(session)
    rows = [s.as_dict() for s in summaries]
    if not rows and not args.json:
        print("No accounts yet: the app asks nobody to sign in and serves this computer only.")
        print("Add one with: toc-studio user add NAME --admin --password-stdin")
        return EXIT_OK
    columns = ["name", "email", "admin", "disabled", "projects", "created"]
    emit_rows(args, rows, columns, {"users": rows})
    return EXIT_OK


def cmd_user_disable(args: argparse.Namespace) -> int:
    from toc_studio.accounts import users

    with store(args) as session:
        name = users.disable_user(session, args.name).name
    print(f"Disabled the account {name!r}: it can no longer sign in.")
    return EXIT_OK


def cmd_user_enable(args: argparse.Namespace) -> int:
    from toc_studio.accounts import users

    with store(args) as session:
        name = users.enable_user(session, args.name).name
    print(f"Enabled the account {name!r}.")
    return EXIT_OK


def cmd_user_passwd(args: argparse.Namespace) -> int:
    from toc_studio.accounts import users

    password = read_password(args)
    if password is None:
        raise CommandError("Give the new password on standard input with --password-stdin.")
    with store(args) as session:
        name = users.set_password(session, args.name, password.rstrip("\r")).name
    print(f"Set a new password for {name!r}.")
    return EXIT_OK


def cmd_member_add(args: argparse.Namespace) -> int:
    from toc_studio.accounts import members
    from toc_studio.project import projects

    with store(args) as session:
        project = projects.get_project(session, args.project)
        membership = members.add_member(session, project, args.user, args.role)
        role, project_name = membership.role, project.name
    print(f"{args.user!r} is now {'an' if role[0] in 'aeiou' else 'a'} {role} of {project_name!r}.")
    return EXIT_OK


def cmd_member_list(args: argparse.Namespace) -> int:
    from toc_studio.accounts import members
    from toc_studio.project import projects

    with store(args) as session:
        project = projects.get_project(session, args.project)
        found = members.list_members(session, project)
    rows = [m.as_dict() for m in found]
    if not rows and not args.json:
        print(
            "No members yet. Add one with: toc-studio member add --project P --user U --role owner"
        )
        return EXIT_OK
    emit_rows(args, rows, ["name", "role", "admin", "disabled"], {"members": rows})
    return EXIT_OK


def cmd_member_remove(args: argparse.Namespace) -> int:
    from toc_studio.accounts import members
    from toc_studio.project import projects

    with store(args) as session:
        project = projects.get_project(session, args.project)
        members.remove_member(session, project, args.user)
        project_name = project.name
    print(f"Removed {args.user!r} from {project_name!r}.")
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    from toc_studio.accounts import audit
    from toc_studio.project import projects

    with store(args) as session:
        project = projects.get_project(session, args.project) if args.project else None
        lines = audit.events(session, project)
    rows = [line.as_dict() for line in lines]
    if not rows and not args.json:
        print("Nothing in the audit log yet.")
        return EXIT_OK
    columns = (
        ["at", "who", "action", "detail"]
        if project
        else ["at", "who", "project", "action", "detail"]
    )
    emit_rows(args, rows, columns, {"events": rows})
    return EXIT_OK
