"""Privacy by design: the personal-data registry, consent, data rights, retention, policies."""
