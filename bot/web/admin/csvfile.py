"""CSV downloads for the console: UTF-8 with a byte-order mark (so Excel opens Japanese text
correctly), streamed, and safe — a cell Excel would run as a formula is kept as text."""

from __future__ import annotations

import csv
import io
import itertools
import re

from flask import Response, stream_with_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def spreadsheet_safe(value):
    """A value Excel will show, never run: text starting like a formula gets a leading '
    (a plain number such as -17 is a number, not a formula, and stays as it is)."""
    formula = isinstance(value, str) and value[:1] in FORMULA_STARTS and not NUMBER.fullmatch(value)
    return f"'{value}" if formula else value


def csv_response(filename: str, header: list[str], rows) -> Response:
    """A CSV download in UTF-8 with a BOM, so Excel opens Japanese text correctly. Rows may be
    a lazy iterator (streamed within the request); a cell that Excel would run as a formula
    (=, +, -, @, tab, CR) is quoted as text."""

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        yield "\ufeff"
        for row in itertools.chain([header], rows):
            writer.writerow([spreadsheet_safe(value) for value in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(
        stream_with_context(lines()), content_type="text/csv; charset=utf-8", headers=headers
    )
