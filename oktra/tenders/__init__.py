"""Tender records, sources and ingestion, normalization, search."""
