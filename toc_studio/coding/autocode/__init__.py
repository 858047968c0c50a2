"""Auto-coding: suggestions by speaker, pattern and structure, and their command."""
