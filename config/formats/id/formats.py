"""Indonesian formats as Dukcapil writes them: 23/01/2024 and 5.312.

Django's own "id" formats write 23-01-2024 and also read US dates (10/25/2009);
here a slash date is always day/month/year.
"""

from django.conf.locale.id.formats import *  # noqa: F403

SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H.i"
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 23/01/2024
    "%d-%m-%Y",  # 23-01-2024
    "%Y-%m-%d",  # 2024-01-23 (ISO, what <input type=date> sends)
    "%d/%m/%y",  # 23/01/24
    "%d %B %Y",  # 23 Januari 2024
    "%d %b %Y",  # 23 Jan 2024
]
