"""Shipped word list (default_terms.csv) and the scripts that build and check it."""
