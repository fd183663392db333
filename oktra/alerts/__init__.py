"""Saved searches, the matching engine, digests, deadline reminders."""
