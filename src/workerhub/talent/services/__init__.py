"""Writes on talent, split by subject (nominations.py, people.py, profiles.py): keyword-only, ``actor=``, one
transaction each with its audit row."""
