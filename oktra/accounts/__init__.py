"""Users, sign-up and sign-in, profile, staff roles."""
