"""Numbers read from query strings, form bodies and URL parts."""

# Up to 18 digits fits a 64-bit integer column on every database; SQLite
# raises OverflowError (a 500) on a larger one.
MAX_DIGITS = 18


def is_whole_number(value: str) -> bool:
    """ASCII digits only, and few enough for an id column: ``str.isdigit()``
    also takes "²" and "๕", which ``int()`` refuses or reads as another
    number, and the lookup that follows would answer 500."""
    return value.isascii() and value.isdigit() and len(value) <= MAX_DIGITS
