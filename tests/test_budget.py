"""The rate-limit budget: window estimates from the server's answers, and what may start now.

Pure: no server, no event loop. The whole-run behaviour over HTTP is in test_bulk.py and
test_pacing.py.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forwardemail_async._core.budget import RateBudget, _Limiter
from forwardemail_async._core.headers import RateLimitInfo


def info(limit: int, remaining: int, reset: float) -> RateLimitInfo:
    return RateLimitInfo(limit=limit, remaining=remaining, reset=reset)


def test_window_end_is_estimated_from_the_answers_not_from_reset() -> None:
    # A 3 s window whose first request reached the server between 100.30 and 100.31: every
    # answer says reset = floor(t + 3) = 103, which alone only bounds the end by 104.
    limiter = _Limiter(5)
    limiter.observe(sent=100.30, received=100.31, remaining=4, reset=103, inflight=0)
    limiter.observe(sent=100.32, received=100.34, remaining=3, reset=103, inflight=0)
    assert limiter.length == 3.0
    assert limiter.end == pytest.approx(103.31)
    # Once the window is over, an answer to a request sent inside it tells nothing new.
    limiter.expire(103.5, 0)
    assert (limiter.end, limiter.remaining) == (None, None)
    limiter.observe(sent=100.33, received=103.6, remaining=0, reset=103, inflight=0)
    assert (limiter.end, limiter.remaining) == (None, None)
    limiter.observe(sent=103.5, received=103.52, remaining=4, reset=106, inflight=0)
    assert limiter.remaining == 4
    assert limiter.end == pytest.approx(106.52)


def test_window_of_fractional_length_falls_back_to_the_upper_bound() -> None:
    limiter = _Limiter(5)
    limiter.observe(sent=10.0, received=10.0, remaining=4, reset=12, inflight=0)  # W = 2.5
    limiter.observe(sent=10.9, received=10.9, remaining=3, reset=13, inflight=0)
    # W is in [2.1, 3.0): no whole second fits, so the upper bound is used and the estimated
    # end stays after the real one (12.5).
    assert limiter.length == pytest.approx(3.0)
    assert limiter.end == pytest.approx(13.0)


T = 1_700_000_000.0  # an epoch time: X-RateLimit-Reset is one


def test_a_limiter_hidden_behind_another_still_bounds_its_window() -> None:
    # The global limiter (3 per 10 s) is learned from an "other" answer; the creates' own
    # answers then show only the create-alias limiter's headers, yet the window still holds
    # only three requests, counted here.
    budget = RateBudget(shared_kinds=frozenset({"other"}))
    budget.start("other")
    budget.finish("other", T, T + 0.1, info(3, 2, T + 10), status=200, answered=True)
    for _ in range(2):
        assert budget.check("create", T + 0.2) == (0.0, False)
        budget.start("create")
        done = info(300, 299, T + 86_400)
        budget.finish("create", T + 0.2, T + 0.3, done, status=200, answered=True)
    wait, blocked = budget.check("create", T + 0.4)
    assert wait == pytest.approx(9.7, abs=0.01) and not blocked


def test_after_a_window_ends_the_first_request_goes_alone() -> None:
    budget = RateBudget()
    budget.start("k")
    budget.finish("k", T, T, info(2, 1, T + 5), status=200, answered=True)
    budget.start("k")
    budget.finish("k", T + 0.1, T + 0.1, info(2, 0, T + 5), status=200, answered=True)
    wait, _ = budget.check("k", T + 1)
    assert wait == pytest.approx(4.0, abs=0.01)
    assert budget.check("k", T + 5.1) == (0.0, False)
    budget.start("k")
    assert budget.check("k", T + 5.1) == (0.0, True)  # nothing known of the new window yet
    budget.finish("k", T + 5.1, T + 5.2, info(2, 1, T + 10), status=200, answered=True)
    assert budget.check("k", T + 5.2) == (0.0, False)


def test_a_request_left_without_an_answer_still_counts() -> None:
    budget = RateBudget()
    budget.start("k")
    budget.finish("k", T, T, info(2, 1, T + 5), status=200, answered=True)
    budget.start("k")
    budget.finish("k", T + 0.1, T + 0.2, None, status=None, answered=False)
    # The server may have counted the request whose answer was lost: the window is spent.
    wait, blocked = budget.check("k", T + 0.3)
    assert wait == pytest.approx(4.7, abs=0.01) and not blocked


def test_without_sharing_each_kind_keeps_its_own_limiters() -> None:
    budget = RateBudget()
    budget.start("a")
    budget.finish("a", T, T, info(5, 0, T + 60), status=429, answered=True)
    assert budget.check("a", T + 1)[0] > 0
    assert budget.check("b", T + 1) == (0.0, False)


@given(
    limit=st.integers(1, 50),
    answers=st.lists(st.tuples(st.floats(0, 0.5), st.integers(0, 50)), max_size=60),
)
def test_never_more_starts_than_the_limit_in_one_window(
    limit: int, answers: list[tuple[float, int]]
) -> None:
    """Whatever the answers say, once a limiter is known no more than ``limit`` requests
    start before its estimated end."""
    budget = RateBudget()
    now = T
    budget.start("k")
    budget.finish("k", now, now, info(limit, limit - 1, now + 60), status=200, answered=True)
    started = 1
    for delay, remaining in answers:
        now += delay
        wait, blocked = budget.check("k", now)
        if wait or blocked:
            continue
        budget.start("k")
        started += 1
        shown = min(remaining, limit - started)
        budget.finish(
            "k", now, now, info(limit, max(0, shown), now + 60), status=200, answered=True
        )
    assert started <= limit
