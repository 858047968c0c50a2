"""Merging offline work: another copy's codings, memos and new codes brought into a project
(``toc-studio merge``): :mod:`.source` opens the other copy, :mod:`.apply` merges it."""
