"""South-South lending by creditor (World Bank International Debt Statistics): data, text,
figures and the notebook sections of 02_south_south and the country scorecard."""
