"""Screens: one place each (projects, work packages, detail, …)."""
