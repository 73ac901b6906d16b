"""A newsroom's existing Django project, minimal: one view serving articles. See ``asgi.py``."""
