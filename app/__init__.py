"""Diplomatic Visits API: who visited whom, when and where, whom they met and what they signed."""
