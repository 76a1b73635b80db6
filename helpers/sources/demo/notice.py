"""The notice shown on everything made from synthetic demo data (kept apart so that
plots and reports can import it without loading the demo generator)."""

DEMO_NOTICE = "Synthetic demo data: not real statistics."
