"""English as this product writes it: British day-month-year dates ("1 October 2025"), as before languages came."""

from django.conf.locale.en_GB.formats import *  # noqa: F403
