"""Codebook, codings, memos, queries, agreement and auto-coding suggestions."""
