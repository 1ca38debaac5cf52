import pytest
from django.db import connection

from ekc.log_guard import SETTING, log_redaction


def _setting():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [SETTING])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_log_redaction_lets_through_only_inside_its_block():
    if connection.vendor != "postgresql":
        pytest.skip("the setting exists only on PostgreSQL, where the log triggers read it")
    assert _setting() in (None, "", "off")
    with log_redaction():
        assert _setting() == "on"
    # Still inside the test's transaction: the block must have switched it off again.
    assert _setting() == "off"


@pytest.mark.django_db
def test_log_redaction_switches_off_after_an_error():
    if connection.vendor != "postgresql":
        pytest.skip("the setting exists only on PostgreSQL, where the log triggers read it")
    with pytest.raises(ValueError), log_redaction():
        raise ValueError
    assert _setting() in (None, "", "off")
