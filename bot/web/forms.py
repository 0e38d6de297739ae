"""What the console's forms and queries hand to its views, cleaned in one place.

Every view reads `request.form` and `request.args`; the app's request class cleans their
values first (bot.core.text.clean_text: control characters removed, a lone surrogate replaced),
so no view has to remember to. A NUL typed or pasted into a title, a venue, an announcement, a
source or a key was stored as typed on SQLite (and sent on to residents) and made PostgreSQL
refuse the INSERT (a 500). Removing it is what the person meant; nothing typed on purpose is lost.
"""

from __future__ import annotations

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.utils import cached_property

from bot.core.text import clean_text

# Compared with a hash, never stored as text or shown: kept exactly as typed, so a password
# set elsewhere (`staff add` reads stdin) still matches. The パスワード変更 page's fields too:
# cleaned, a new password with an ESC in it was stored without it, and the login form (which
# keeps it) then refused the password just chosen.
VERBATIM = frozenset({"password", "current", "new", "confirm"})


class CleanRequest(Request):
    """Flask's request with cleaned form and query values (files untouched)."""

    def _load_form_data(self) -> None:
        """Parse the body as Flask does, then clean the form's values."""
        super()._load_form_data()
        self.__dict__["form"] = self._cleaned(self.__dict__["form"])

    @cached_property
    def args(self) -> MultiDict[str, str]:
        """The query string's values, cleaned."""
        return self._cleaned(super().args)

    def _cleaned(self, values: MultiDict[str, str]) -> MultiDict[str, str]:
        """A copy of `values` (of the same immutable kind) with every value cleaned."""
        return self.parameter_storage_class(
            [
                (name, value if name in VERBATIM else clean_text(value))
                for name, value in values.items(multi=True)
            ]
        )
