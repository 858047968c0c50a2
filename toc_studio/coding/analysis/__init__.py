"""Queries of thematic analysis: retrieval, matrix, counting, co-occurrence, words, agreement."""
