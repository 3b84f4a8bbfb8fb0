"""Configuration: settings from the environment, procedure files as data."""
from config.settings import ConfigError, Settings, load_settings

__all__ = ["ConfigError", "Settings", "load_settings"]
