"""The top floor: the site itself (layout, home page, demo loading, the set-up and serve commands).

It may import every app; no app imports it.
"""
