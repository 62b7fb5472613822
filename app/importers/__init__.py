"""Importers of external datasets; each writes its records as one dataset through `app.store`."""
