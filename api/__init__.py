"""OneVisit web service (FastAPI)."""
