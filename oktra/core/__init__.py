"""The shared kernel: no Reflex, no domain."""
