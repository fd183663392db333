"""The shared Reflex layout, components and theme."""
