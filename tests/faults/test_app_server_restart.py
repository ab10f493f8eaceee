"""The app server stops (a deploy, SIGTERM) or crashes (SIGKILL) in the middle of a mock
exam, and comes back. The learner's browser keeps what it could not send and sends it again;
nothing the server acknowledged may be lost, nothing may be saved twice, the deadline stays
where it was and the paper hands in as usual."""

import http.client
import time

import pytest

from tests.faults.harness import Learner


def _assert_the_time_left_follows_the_deadline(learner, deadline):
    before = time.time()
    remaining = learner.open_page()
    after = time.time()
    # The server rounds up; the page was rendered between `before` and `after`.
    assert deadline.timestamp() - after - 1 <= remaining <= deadline.timestamp() - before + 1


def _assert_every_acknowledged_answer_is_stored(database, learner):
    stored = database.responses(learner.attempt)
    expected = learner.expected_responses()
    assert expected, "the learner had answers acknowledged"
    assert {position: stored[position] for position in expected} == expected


def _assert_it_hands_in_with_the_acknowledged_answers(database, learner):
    status, location = learner.submit()
    assert (status, location) == (302, f"/exams/attempts/{learner.attempt}/")
    attempt = database.attempt(learner.attempt)
    assert attempt["finished_by"] == "learner"
    right = sum(1 for fields in learner.acknowledged.values() if fields["choice"] == "0")
    assert attempt["score"] == 20 * right


def test_answers_saved_before_the_app_server_stopped_are_all_there_after_it_restarts(
    app_database, start_server
):
    server = start_server(app_database)
    ann = Learner(server, "ann").log_in()
    ann.start_paper(app_database.blueprint)
    deadline = app_database.attempt(ann.attempt)["deadline"]
    for position, choice in [(0, 0), (1, 2), (2, 0)]:
        assert ann.answer(position, choice).status == 200

    server.stop()
    # While it is down the connection is refused; the browser keeps the answers.
    down = [ann.answer(1, 0), ann.answer(3, 0), ann.answer(3, 1)]
    assert [(sent.status, sent.error) for sent in down] == [(0, "ConnectionRefusedError")] * 3
    assert {position: entry["fields"] for position, entry in ann.pending.items()} == {
        1: {"choice": "0"},
        3: {"choice": "1"},
    }
    server.start()
    ann.resend_pending()

    assert ann.pending == {}
    assert ann.acknowledged == {
        p: {"choice": c} for p, c in [(0, "0"), (1, "0"), (2, "0"), (3, "1")]
    }
    _assert_every_acknowledged_answer_is_stored(app_database, ann)
    assert app_database.attempt(ann.attempt)["deadline"] == deadline
    _assert_the_time_left_follows_the_deadline(ann, deadline)
    _assert_it_hands_in_with_the_acknowledged_answers(app_database, ann)


def test_a_crash_mid_request_loses_no_acknowledged_answer_and_stores_none_it_did_not_receive(
    app_database, start_server
):
    server = start_server(app_database)
    ben = Learner(server, "ben").log_in()
    ben.start_paper(app_database.blueprint)
    deadline = app_database.attempt(ben.attempt)["deadline"]
    assert ben.answer(0, 1).status == 200

    # The server dies after committing Ben's new answer, before it could reply.
    crashed = ben.answer(0, 0, headers={"X-Fault": "crash-before-replying"})
    assert (crashed.status, crashed.error) == (0, "RemoteDisconnected")
    server.wait_until_dead()
    assert app_database.responses(ben.attempt)[0] == {"choice": 0}
    assert ben.answer(1, 0).error == "ConnectionRefusedError"  # while it is down

    # Back up, then killed while the body of a save is still on its way.
    server.start()
    cut_off = ben.start_partial_save(2, 0)
    server.kill()
    with pytest.raises((http.client.HTTPException, OSError)):
        cut_off.getresponse()
    cut_off.close()
    assert app_database.responses(ben.attempt)[2] is None

    server.start()
    ben.resend_pending()

    assert ben.pending == {}
    # The answer whose reply was lost came back as a 409 for its own seq: recognised as
    # already there (the exam page's rule), then sent once more with the next seq.
    resent = [(s.seq, s.status) for s in ben.sent if s.position == 0]
    assert resent == [(1, 200), (2, 0), (2, 409), (3, 200)]
    assert ben.acknowledged == {0: {"choice": "0"}, 1: {"choice": "0"}, 2: {"choice": "0"}}
    _assert_every_acknowledged_answer_is_stored(app_database, ben)
    assert app_database.attempt(ben.attempt)["deadline"] == deadline
    _assert_the_time_left_follows_the_deadline(ben, deadline)
    _assert_it_hands_in_with_the_acknowledged_answers(app_database, ben)
