"""Back office: roles, audit trail, staff sign-in."""
