"""Readers for every transcript format, speaker turns, segmentation, pseudonymisation."""
