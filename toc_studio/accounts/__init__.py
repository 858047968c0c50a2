"""Accounts: who may sign in, their role in each project, and the audit log.

- :mod:`.models`: the tables (user accounts, memberships, sign-in attempts, audit events).
- :mod:`.users`: accounts with argon2 password hashes; disabled, never deleted.
- :mod:`.members`: who holds which role (:data:`toc_studio.access.ROLES`) in a project.
- :mod:`.signin`: signing in by password (rate-limited per account and per address) or
  through the organisation's OpenID Connect provider (by email); idle expiry.
- :mod:`.audit`: the audit log, written for sign-ins, role changes and every
  :class:`toc_studio.events.Audited` event.
- :mod:`.subscribers`: answers :class:`toc_studio.events.RoleWanted` from memberships and
  records :class:`toc_studio.events.Audited` with the person acting.
"""
