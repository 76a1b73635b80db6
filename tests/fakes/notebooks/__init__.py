"""Toy notebooks and shared helpers for the runner and site tests (no real data needed)."""
