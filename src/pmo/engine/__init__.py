"""Pure computation for pmo: scheduling, leveling, risk, earned value, selection.

Nothing under this package imports Django or any other ``pmo`` module; it takes and
returns plain numpy arrays and dataclasses so it can be used and tested without a
database.
"""
