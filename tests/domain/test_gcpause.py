"""The garbage collector paused while building many acyclic objects (#15)."""

from __future__ import annotations

import gc

import pytest

from tongxue.domain.gcpause import gc_paused


@pytest.fixture(autouse=True)
def _collector_back_on():  # type: ignore[no-untyped-def]
    was_on = gc.isenabled()
    yield
    if was_on:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_inside_and_back_on_after() -> None:
    gc.enable()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_is_back_on_after_an_exception() -> None:
    gc.enable()
    with pytest.raises(ValueError), gc_paused():
        raise ValueError
    assert gc.isenabled()


def test_a_collector_already_off_stays_off_and_nesting_restores_the_outer() -> None:
    gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
    gc.enable()
    with gc_paused():
        with gc_paused():
            pass
        assert not gc.isenabled()  # the inner pause leaves the outer one's state
    assert gc.isenabled()
