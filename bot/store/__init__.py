"""Persistence: the only package that imports SQLAlchemy."""
from bot.store.db import Store, UnitOfWork, make_engine, upgrade_schema

__all__ = ["Store", "UnitOfWork", "make_engine", "upgrade_schema"]
