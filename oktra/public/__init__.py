"""Public pages: home, contact, sign-up entry."""
