import pytest
from django.core.exceptions import ValidationError


def only_error(instance, field):
    """full_clean()'s error on `field`, checking that no other field failed."""
    with pytest.raises(ValidationError) as exc:
        instance.full_clean()
    assert set(exc.value.error_dict) == {field}
    return exc.value.error_dict[field][0]
