"""TOC Studio: qualitative evaluation research, from transcript to Theory of Change."""

__version__ = "0.1.0"
