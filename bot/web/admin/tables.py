"""The dashboard's tables and formats: numbers and dates in the console's language, and a
`Table` that the page draws as HTML and the CSV downloads write (bot/web/admin/dashboard.py)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bot.web.admin.csvfile import spreadsheet_safe
from bot.web.admin.i18n import t

EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
JA_WEEKDAYS = "月火水木金土日"
EN_WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
LATIN_WORDS = re.compile(r"[A-Za-z]{3,}")


class Formats:
    """Numbers and dates as people read them in the console's language."""

    def __init__(self, lang: str):
        self.ja = lang == "ja"

    @staticmethod
    def num(value: int | float) -> str:
        """Thousands separators; a sign only where asked for by the caller."""
        return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"

    def date(self, day: dt.date, weekday: bool = False) -> str:
        """2026年11月26日(木) in Japanese, Thu 26 Nov 2026 in English (the weekday when asked for,
        in either: the English note 「from the day of the session」 named no weekday)."""
        if self.ja:
            text = f"{day.year}年{day.month}月{day.day}日"
            return text + f"({JA_WEEKDAYS[day.weekday()]})" if weekday else text
        text = f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"
        return f"{EN_WEEKDAYS[day.weekday()]} {text}" if weekday else text

    def month(self, day: dt.date) -> str:
        """2026年11月 / Nov 2026."""
        return f"{day.year}年{day.month}月" if self.ja else f"{EN_MONTHS[day.month - 1]} {day.year}"

    def bucket(self, start: dt.date, period: str) -> str:
        """A day, a week (by its Monday) or a month, for tables and tooltips."""
        if period == "month":
            return self.month(start)
        if period == "week":
            return t("dashboard.week_of", date=self.date(start))
        return self.date(start, weekday=True)

    def axis(self, start: dt.date, period: str) -> str:
        """A short label under a chart column."""
        return self.month(start) if period == "month" else f"{start.month}/{start.day}"


@dataclass
class Table:
    """Headers and rows shared by the page and its CSV. Cells are int, float (a percentage),
    date (shown in the table's period style), str or None."""

    name: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    period: str = "day"

    def numeric(self, column: int) -> bool:
        """Whether a column holds numbers (aligned right)."""
        return any(isinstance(row[column], int | float) for row in self.rows)

    def html_cell(self, value, fmt: Formats) -> str:
        """A cell as people read it: separators, percentages, dates in the language."""
        if value is None:
            return "—"
        if isinstance(value, float):
            return f"{value:.1f}%"
        if isinstance(value, int):
            return fmt.num(value)
        if isinstance(value, dt.date):
            return fmt.bucket(value, self.period)
        return str(value)

    @staticmethod
    def language_of(value, page_lang: str) -> str | None:
        """The language of a text cell when it differs from the page's (WCAG 3.1.2: a
        Japanese source named on an English page, an English question on a Japanese one)."""
        if not isinstance(value, str):
            return None
        if JAPANESE.search(value):
            return None if page_lang == "ja" else "ja"
        if page_lang == "ja" and LATIN_WORDS.search(value):
            return "en"
        return None

    def csv_cell(self, value) -> str:
        """A cell for a spreadsheet: plain numbers, ISO dates, text that cannot run."""
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.1f}"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, dt.date):
            return value.isoformat()[:7] if self.period == "month" else value.isoformat()
        return spreadsheet_safe(str(value))


def percent(value: int, target: int) -> float:
    """How much of a target is reached, in percent."""
    return 100.0 * value / target if target else 0.0
