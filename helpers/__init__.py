"""sdg17 helpers: sources, snapshot store, tidy layer, models and plots for SDG 17."""

__version__ = "0.1.0"
