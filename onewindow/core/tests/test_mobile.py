import pytest

from onewindow.core.mobile import mobile_ok


@pytest.mark.parametrize("value", ["13800000000", "19912345678", "16600001111"])
def test_mainland_mobile_numbers(value):
    assert mobile_ok(value)


@pytest.mark.parametrize("value", ["", "1380000000", "138000000000", "23800000000", "1380000000a", "１３８００００００００",
                                   " 13800000000", None, 13800000000])
def test_anything_else_is_refused(value):
    assert not mobile_ok(value)
