"""Usage the configuration cannot state: API calls, existing key versions; each value with its source."""
