"""The HTTP service (FastAPI only): app factory, dependencies, routers, errors."""
