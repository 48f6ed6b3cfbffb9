"""Bringing publications in: MHLW master files and revision documents."""
