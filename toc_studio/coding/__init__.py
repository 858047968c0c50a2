"""Codebook, codings, memos, queries, agreement and auto-coding suggestions."""

# Importing anything of coding subscribes its handlers to the lower packages' events
# (toc_studio.events): the speakers and spans of codings follow changes made there.
from toc_studio.coding import subscribers as subscribers  # noqa: F401
