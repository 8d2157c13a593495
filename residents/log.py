"""A logging filter that masks NIKs in every log line (UU 27/2022).

The app never puts a whole NIK in an address (searches post), but an address typed by hand,
an old bookmark or an error message may still carry one: it is masked before it is written.
"""

import logging
from urllib.parse import unquote_plus

from residents.nik import mask_niks_in_text


class MaskNiks(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        # A request line is URL-encoded: "5303+0512" and "5303%2F0512" are NIKs too.
        masked = mask_niks_in_text(unquote_plus(message))
        if masked != unquote_plus(message):
            record.msg, record.args = masked, ()
        return True
