"""Filters to SQL: pure functions that read rows and shape them into API dicts."""
