"""OKTRA: Moroccan public-tender alerts."""
