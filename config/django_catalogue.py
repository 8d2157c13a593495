"""Django's own Indonesian, corrected in our catalogue (locale/id), which comes first.

Django's admin writes "dibawah" where Indonesian writes "di bawah"; the msgids are here so
that makemessages keeps them in locale/id/LC_MESSAGES/django.po with our spelling. Nothing
imports this module: it is read by makemessages only.
"""

from django.utils.translation import ngettext_lazy

ngettext_lazy("Please correct the error below.", "Please correct the errors below.", 1)
