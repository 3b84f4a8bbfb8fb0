"""Persistence: the only package that imports SQLAlchemy."""
from bot.store.db import Store, UnitOfWork, make_engine, upgrade_schema
from bot.store.sealed import DataKeyError

__all__ = ["DataKeyError", "Store", "UnitOfWork", "make_engine", "upgrade_schema"]
