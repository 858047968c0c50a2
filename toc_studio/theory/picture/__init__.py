"""The diagram as pictures: layout, the interactive HTML page, the static scene, PNG and SVG."""
