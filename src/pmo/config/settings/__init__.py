"""Settings by environment: ``base`` holds what all share; ``dev``, ``test`` and ``prod`` adjust it.

``DJANGO_SETTINGS_MODULE`` picks one; the ``pmo`` command defaults to ``dev``.
"""
