"""External I/O without Reflex and without the database: Firebase, SES, CMI."""
