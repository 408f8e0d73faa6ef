"""The star bands a generated round must carry, for the dataset tests."""

from decimal import Decimal

# The star bands the dataset's round must carry (DESIGN.md §1), written out
# here rather than read from the code under test: (stars, lowest score).
STAR_BANDS = (
    (5, Decimal("90.00")),
    (4, Decimal("80.00")),
    (3, Decimal("70.00")),
    (2, Decimal("50.00")),
    (1, Decimal("0.00")),
)


def expected_stars(score: Decimal) -> int:
    """5★ from 90, 4★ 80–89.99, 3★ 70–79.99, 2★ 50–69.99, 1★ below 50."""
    return next(stars for stars, lowest in STAR_BANDS if score >= lowest)
