"""Helpers every app may use: charts, formatting, text, languages, version parsing.

This package is the ground floor: it imports no Minga app (import-linter checks it), so that any
app can use it without a circle.
"""
