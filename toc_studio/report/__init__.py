"""Getting findings out: the Word report, REFI-QDA export and import, CSV/XLSX tables."""
