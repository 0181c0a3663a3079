"""Django's own messages that our forms show but Django's Thai catalogue leaves untranslated.

Listed here only so that makemessages extracts them into our catalogue (and its
--no-obsolete keeps them there), where they get their Thai; Django itself looks them up at
run time. tests/test_rendered_translations.py finds any others a page shows.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    gettext_noop("Null characters are not allowed."),
)
