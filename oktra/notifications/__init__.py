"""Email rendering, the outbox, sending, the suppression list."""
