"""Staff back office, audit trail, anomaly detection, statistics."""
