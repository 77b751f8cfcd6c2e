"""Policy: thresholds and JSONPath rules over the estimate; each broken one is a Violation."""
