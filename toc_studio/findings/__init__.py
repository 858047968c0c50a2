"""Findings: the findings register (findings, learning points, recommendations), case
studies and written summaries (framework-matrix cells and documents per evaluation aim)."""
