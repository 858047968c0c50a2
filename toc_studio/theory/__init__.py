"""Theory of Change: versions, assembly from coded evidence, layout, rendering, diff."""
