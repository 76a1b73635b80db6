"""The UN SDG Global Database: the live API (``api``), open-numbers DDF files (``ddf``), and
the reader that turns either into tidy rows (``parse``)."""
