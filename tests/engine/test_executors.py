"""The local pool chooses how its workers start, whatever a library set globally."""

from __future__ import annotations

import multiprocessing

import pytest

from escalation_sim.engine.executors import _pool_context, make_executor


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                    reason="the platform has no fork")
def test_pool_forks_even_after_a_library_set_spawn():
    before = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method("spawn", force=True)  # what importing Mesa does
    try:
        assert _pool_context().get_start_method() == "fork"
    finally:
        multiprocessing.set_start_method(before, force=True)


def test_unknown_executor_and_stray_scheduler_are_refused():
    with pytest.raises(ValueError, match="not known"):
        make_executor("threads")
    with pytest.raises(ValueError, match="--scheduler needs --executor dask"):
        make_executor("local", scheduler="tcp://127.0.0.1:8786")
