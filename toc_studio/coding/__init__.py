"""Codebook, codings, memos, queries, agreement and auto-coding suggestions.

Coding's event handlers live in :mod:`toc_studio.coding.subscribers`; the store loads them
(``db.import_models``) before the first event a process emits, so importing coding stays
cheap for the command line's ``--help``."""
