"""Reporting periods: a month, a quarter, a year, or the rolling four quarters to a quarter."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass


class Grain(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    ROLLING = "rolling"  # the four quarters ending with the named one


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _from_index(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


PATTERNS = [
    (Grain.MONTH, re.compile(r"^(\d{4})-(\d{2})$")),
    (Grain.QUARTER, re.compile(r"^(\d{4})Q([1-4])$")),
    (Grain.YEAR, re.compile(r"^(\d{4})$")),
    (Grain.ROLLING, re.compile(r"^(\d{4})Q([1-4])R$")),
]


MIN_YEAR, MAX_YEAR = 1900, 9998


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    """A span of whole months, named as people say it: 2026-08, 2026Q3, 2026, 2026Q3R."""

    grain: Grain
    first: dt.date  # first month
    last: dt.date  # last month, inclusive

    @classmethod
    def parse(cls, text: str) -> Period:
        text = text.strip().upper()
        for grain, pattern in PATTERNS:
            match = pattern.match(text)
            if not match:
                continue
            year = int(match.group(1))
            if not MIN_YEAR <= year <= MAX_YEAR:
                break  # year 0 (or a rolling year reaching back into it) is no date at all
            if grain is Grain.MONTH:
                month = int(match.group(2))
                if not 1 <= month <= 12:
                    break
                return cls.month(dt.date(year, month, 1))
            if grain is Grain.YEAR:
                return cls(grain, dt.date(year, 1, 1), dt.date(year, 12, 1))
            quarter = cls.quarter(year, int(match.group(2)))
            if grain is Grain.QUARTER:
                return quarter
            return cls(grain, _from_index(_month_index(quarter.last) - 11), quarter.last)
        raise PeriodError(f"not a period: {text!r} (use 2026-08, 2026Q3, 2026 or 2026Q3R)")

    @classmethod
    def month(cls, day: dt.date) -> Period:
        first = day.replace(day=1)
        return cls(Grain.MONTH, first, first)

    @classmethod
    def quarter(cls, year: int, number: int) -> Period:
        first = dt.date(year, 3 * (number - 1) + 1, 1)
        return cls(Grain.QUARTER, first, _from_index(_month_index(first) + 2))

    @classmethod
    def quarter_of(cls, day: dt.date) -> Period:
        return cls.quarter(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        if self.grain is Grain.MONTH:
            return self.first.strftime("%Y-%m")
        if self.grain is Grain.YEAR:
            return str(self.first.year)
        quarter = f"{self.last.year}Q{(self.last.month - 1) // 3 + 1}"
        return quarter + ("R" if self.grain is Grain.ROLLING else "")

    def __str__(self) -> str:
        return self.label

    @property
    def months(self) -> int:
        return _month_index(self.last) - _month_index(self.first) + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        shift = 3 if self.grain is Grain.ROLLING else self.months
        return Period(
            self.grain,
            _from_index(_month_index(self.first) - shift),
            _from_index(_month_index(self.last) - shift),
        )

    def quarters(self) -> list[int]:
        """The quarters this period spans, as the ratings table stores them (20263)."""
        start, end = _month_index(self.first), _month_index(self.last)
        return sorted({(i // 12) * 10 + (i % 12) // 3 + 1 for i in range(start, end + 1)})

    @property
    def whole_quarters(self) -> bool:
        return self.grain is not Grain.MONTH

    def last_quarters(self, count: int) -> list[Period]:
        """The `count` quarters ending with this period's last quarter, oldest first."""
        end = Period.quarter_of(self.last)
        quarters = [end]
        while len(quarters) < count:
            quarters.insert(0, quarters[0].previous())
        return quarters
