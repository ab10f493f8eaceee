"""exams/stats.py against figures worked out by hand (the arithmetic is in the comments), its
edge cases, and a simulation that checks the readiness model's probabilities come true."""

import math
import random
from datetime import UTC, datetime, timedelta

import pytest

from exams import stats

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def days_ago(days):
    return NOW - timedelta(days=days)


# Facility ------------------------------------------------------------------------------------


def test_facility_is_the_share_of_right_answers():
    # 3 right out of 4: 3 / 4 = 0.75
    assert stats.facility([1, 0, 1, 1]) == 0.75


def test_facility_averages_partial_credit():
    # (1 + 0.5 + 0 + 0.5) / 4 = 2 / 4 = 0.5
    assert stats.facility([1, 0.5, 0, 0.5]) == 0.5


def test_facility_of_nobody_is_unknown():
    assert stats.facility([]) is None


# Point-biserial --------------------------------------------------------------------------------

# Six candidates, one 0/1 item, totals counting right answers (the item is worth 1 point).
ITEM = [1, 1, 0, 1, 0, 0]
TOTALS = [9, 7, 6, 5, 4, 2]


def test_point_biserial_correlates_the_item_with_the_rest_of_the_paper():
    # rest = total - item = 8, 6, 6, 4, 4, 2                mean 30 / 6 = 5
    # item deviations (mean 0.5):  +.5 +.5 -.5 +.5 -.5 -.5  sum of squares 6 × .25 = 1.5
    # rest deviations:             +3  +1  +1  -1  -1  -3   sum of squares 9+1+1+1+1+9 = 22
    # products: 1.5 + .5 - .5 - .5 + .5 + 1.5 = 3
    # r = 3 / sqrt(1.5 × 22) = 3 / sqrt(33) = 0.5222
    assert stats.point_biserial(ITEM, TOTALS) == pytest.approx(3 / math.sqrt(33))
    assert stats.point_biserial(ITEM, TOTALS) == pytest.approx(0.5222, abs=1e-4)


def test_uncorrected_point_biserial_is_inflated_by_the_item_itself():
    # totals 9 7 6 5 4 2, mean 33 / 6 = 5.5, deviations +3.5 +1.5 +.5 -.5 -1.5 -3.5
    # sum of squares 12.25 + 2.25 + .25 + .25 + 2.25 + 12.25 = 29.5
    # products: 1.75 + .75 - .25 - .25 + .75 + 1.75 = 4.5
    # r = 4.5 / sqrt(1.5 × 29.5) = 4.5 / sqrt(44.25) = 0.6765, above the corrected 0.5222
    assert stats.point_biserial(ITEM, TOTALS, corrected=False) == pytest.approx(0.6765, abs=1e-4)


def test_point_biserial_takes_out_the_items_points_when_it_is_worth_more_than_one():
    # The same paper marked 10 points an item: totals × 10, and the rest is again 80, 60, ...
    totals = [10 * total for total in TOTALS]
    r = stats.point_biserial(ITEM, totals, item_points=10)
    assert r == pytest.approx(3 / math.sqrt(33))


def test_point_biserial_is_unknown_for_one_candidate():
    assert stats.point_biserial([1], [5]) is None
    assert stats.point_biserial([], []) is None


def test_point_biserial_is_unknown_when_everybody_scores_the_same_on_the_item():
    assert stats.point_biserial([1, 1, 1], [3, 5, 8]) is None
    assert stats.point_biserial([0.1] * 3, [3, 5, 8]) is None


def test_point_biserial_is_unknown_when_the_rest_of_the_paper_has_no_spread():
    # rest = 3 - 1 = 2 and 2 - 0 = 2
    assert stats.point_biserial([1, 0], [3, 2]) is None


def test_point_biserial_refuses_lists_of_different_lengths():
    with pytest.raises(ValueError):
        stats.point_biserial([1, 0], [3, 2, 1])


# Upper-lower discrimination ----------------------------------------------------------------


def test_upper_lower_discrimination_compares_the_top_and_bottom_27_percent():
    # 10 candidates: groups of round(0.27 × 10) = round(2.7) = 3.
    item = [0, 1, 0, 1, 1, 0, 1, 0, 1, 0]
    totals = [50, 80, 70, 90, 40, 70, 60, 30, 70, 20]
    # Sorted by total, ties in input order (candidate number: total):
    #   #9:20 #7:30 #4:40 | #0:50 #6:60 #2:70 #5:70 | #8:70 #1:80 #3:90
    # Bottom #9 #7 #4 score 0 0 1 -> 1/3. Top #8 #1 #3 score 1 1 1 -> 1.
    # Three candidates tie at 70 across the top cut; #8 comes last in the input, so it is in.
    # D = 1 - 1/3 = 0.6667
    assert stats.upper_lower_discrimination(item, totals) == pytest.approx(2 / 3)


def test_upper_lower_groups_round_half_up():
    # 50 candidates: 0.27 × 50 = 13.5 -> 14 (Python's round() would give 14 here, but 40 for
    # 40.5; we always round half up). Only the 14th best candidate has the item right:
    # top mean 1/14, bottom mean 0.
    totals = list(range(50))
    item = [1 if total == 36 else 0 for total in totals]
    assert stats.upper_lower_discrimination(item, totals) == pytest.approx(1 / 14)


def test_upper_lower_discrimination_of_two_candidates_compares_them():
    # max(1, round(0.54)) = 1 per group: the stronger candidate's 1 minus the weaker's 0
    assert stats.upper_lower_discrimination([0, 1], [10, 3]) == -1
    assert stats.upper_lower_discrimination([1, 0], [10, 3]) == 1


def test_upper_lower_discrimination_needs_two_candidates():
    assert stats.upper_lower_discrimination([1], [7]) is None
    assert stats.upper_lower_discrimination([], []) is None


def test_upper_lower_discrimination_of_equal_totals_falls_back_to_input_order():
    # All totals 5: bottom group is the first candidate, top group the last
    assert stats.upper_lower_discrimination([0, 1, 1, 1], [5, 5, 5, 5]) == 1


# Distractors --------------------------------------------------------------------------------


def test_distractor_frequencies_count_each_option_and_no_answer():
    choices = [0, 1, 1, 2, None, 1, 3, 1, 0, None]
    result = stats.distractor_frequencies(choices, 4)
    # A: 2 of 10, B: 4, C: 1, D: 1, no answer: 2
    assert result == {
        "candidates": 10,
        "options": [
            {"count": 2, "share": 0.2},
            {"count": 4, "share": 0.4},
            {"count": 1, "share": 0.1},
            {"count": 1, "share": 0.1},
        ],
        "no_answer": {"count": 2, "share": 0.2},
    }


def test_distractor_frequencies_of_a_multiple_answer_item_count_every_option_ticked():
    choices = [{0, 2}, {2}, set(), None, [1, 2]]
    result = stats.distractor_frequencies(choices, 3)
    # A once, B once, C three times, two without an answer; shares per candidate (of 5)
    assert [option["count"] for option in result["options"]] == [1, 1, 3]
    assert result["options"][2]["share"] == 0.6
    assert result["no_answer"] == {"count": 2, "share": 0.4}


def test_distractor_frequencies_without_candidates_have_no_shares():
    result = stats.distractor_frequencies([], 2)
    assert result["options"] == [{"count": 0, "share": None}, {"count": 0, "share": None}]
    assert result["no_answer"] == {"count": 0, "share": None}


def test_distractor_frequencies_refuse_an_option_the_item_does_not_have():
    with pytest.raises(ValueError):
        stats.distractor_frequencies([4], 4)


# Flags --------------------------------------------------------------------------------------


def test_a_sound_item_with_enough_answers_has_no_flags():
    assert stats.item_flags(0.6, 0.35, 120) == []


def test_an_item_that_weak_candidates_get_right_more_often_is_flagged_negative():
    assert stats.item_flags(0.5, -0.1, 100) == ["negative_discrimination"]


def test_an_item_that_hardly_separates_candidates_is_flagged_low():
    assert stats.item_flags(0.5, 0.19, 100) == ["low_discrimination"]
    assert stats.item_flags(0.5, 0.2, 100) == []


def test_very_hard_and_very_easy_items_are_flagged():
    assert stats.item_flags(0.19, 0.3, 100) == ["too_hard"]
    assert stats.item_flags(0.96, 0.3, 100) == ["too_easy"]
    assert stats.item_flags(0.2, 0.3, 100) == []
    assert stats.item_flags(0.95, 0.3, 100) == []


def test_few_answers_is_added_to_the_other_flags():
    assert stats.item_flags(0.1, -0.3, 29) == ["negative_discrimination", "too_hard", "few_answers"]
    assert stats.item_flags(0.5, 0.4, 30) == []


def test_unknown_statistics_raise_no_flags_of_their_own():
    assert stats.item_flags(None, None, 0) == ["few_answers"]


# Reliability --------------------------------------------------------------------------------

# Five candidates × four 0/1 items:
#            i1 i2 i3 i4 | total
RIGHT_WRONG = [
    [1, 1, 1, 1],  # 4
    [1, 1, 1, 0],  # 3
    [1, 1, 0, 0],  # 2
    [1, 0, 1, 0],  # 2
    [0, 0, 0, 0],  # 0
]


def test_kr20_of_a_five_by_four_matrix_worked_by_hand():
    # Totals 4 3 2 2 0, mean 11 / 5 = 2.2, deviations 1.8 .8 -.2 -.2 -2.2
    # squares 3.24 + .64 + .04 + .04 + 4.84 = 8.8; sample variance 8.8 / 4 = 2.2
    # p per item: 4/5 = .8, 3/5 = .6, .6, 1/5 = .2
    # p(1 - p): .16 .24 .24 .16, sum .8; sample variances × 5/4: .2 .3 .3 .2, sum 1.0
    # KR-20 = 4/3 × (1 - 1.0 / 2.2) = 4/3 × 6/11 = 8/11 = 0.7273
    # (The textbook mix, sum p(1 - p) over the sample variance, gives 4/3 × (1 - .8 / 2.2)
    # = 0.8485: higher, because it divides by n for the items and n - 1 for the total.)
    assert stats.kr20(RIGHT_WRONG) == pytest.approx(8 / 11)


def test_kr20_equals_cronbach_alpha_on_right_wrong_items():
    # alpha: the item sample variances directly, e.g. item 1: 1 1 1 1 0, mean .8,
    # (4 × .04 + .64) / 4 = .2, the same .2 as p(1 - p) × 5/4 above
    assert stats.cronbach_alpha(RIGHT_WRONG) == pytest.approx(8 / 11)
    rng = random.Random(7)
    for _ in range(50):
        matrix = [[rng.randint(0, 1) for _ in range(6)] for _ in range(12)]
        alpha = stats.cronbach_alpha(matrix)
        if alpha is None:
            assert stats.kr20(matrix) is None
        else:
            assert stats.kr20(matrix) == pytest.approx(alpha, abs=1e-12)


def test_cronbach_alpha_of_items_scored_in_points_worked_by_hand():
    matrix = [
        [2, 3, 3],  # 8
        [1, 2, 2],  # 5
        [2, 2, 3],  # 7
        [0, 1, 0],  # 1
    ]
    # item 1: 2 1 2 0, mean 1.25, squares .5625 + .0625 + .5625 + 1.5625 = 2.75, var 2.75/3
    # item 2: 3 2 2 1, mean 2, squares 1 + 0 + 0 + 1 = 2, var 2/3
    # item 3: 3 2 3 0, mean 2, squares 1 + 0 + 1 + 4 = 6, var 6/3
    # sum of item variances 10.75 / 3
    # totals 8 5 7 1, mean 5.25, squares 7.5625 + .0625 + 3.0625 + 18.0625 = 28.75, var 28.75/3
    # alpha = 3/2 × (1 - 10.75 / 28.75) = 3/2 × 18 / 28.75 = 27 / 28.75 = 0.9391
    assert stats.cronbach_alpha(matrix) == pytest.approx(27 / 28.75)


def test_reliability_needs_two_items_and_two_candidates():
    for reliability in (stats.kr20, stats.cronbach_alpha):
        assert reliability([]) is None
        assert reliability([[1, 0, 1]]) is None
        assert reliability([[1], [0], [1]]) is None


def test_reliability_is_unknown_when_every_candidate_has_the_same_total():
    # Everybody scores 2 of 4, on different items
    matrix = [[1, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0]]
    assert stats.kr20(matrix) is None
    assert stats.cronbach_alpha(matrix) is None


def test_kr20_refuses_scores_other_than_right_and_wrong():
    with pytest.raises(ValueError):
        stats.kr20([[1, 0.5], [0, 1]])


def test_reliability_refuses_a_matrix_with_missing_scores():
    with pytest.raises(ValueError):
        stats.cronbach_alpha([[1, 2, 3], [1, 2]])


# Score distribution -------------------------------------------------------------------------


def test_score_distribution_counts_totals_per_ten_points_with_100_in_the_top_bin():
    counts = stats.score_distribution([0, 9.5, 10, 59, 60, 99.9, 100])
    # [0,10): 0 and 9.5; [10,20): 10; [50,60): 59; [60,70): 60; [90,100]: 99.9 and 100
    assert [b["count"] for b in counts] == [2, 1, 0, 0, 0, 1, 1, 0, 0, 2]
    assert counts[0] == {"low": 0, "high": 10, "count": 2}
    assert counts[-1] == {"low": 90, "high": 100, "count": 2}


def test_score_distribution_of_no_totals_is_all_zeros():
    assert [b["count"] for b in stats.score_distribution([])] == [0] * 10


def test_score_distribution_ends_with_a_narrower_bin_when_the_maximum_asks_for_it():
    counts = stats.score_distribution([95, 91, 12], bin_width=20, maximum=95)
    # [0,20) [20,40) [40,60) [60,80) [80,95]
    assert [(b["low"], b["high"], b["count"]) for b in counts] == [
        (0, 20, 1),
        (20, 40, 0),
        (40, 60, 0),
        (60, 80, 0),
        (80, 95, 2),
    ]


def test_score_distribution_refuses_totals_off_the_scale():
    with pytest.raises(ValueError):
        stats.score_distribution([101])
    with pytest.raises(ValueError):
        stats.score_distribution([-1])


# Mastery ------------------------------------------------------------------------------------


def test_mastery_weighs_recent_answers_more_worked_by_hand():
    answers = [(NOW, 1.0), (days_ago(14), 0.0), (days_ago(28), 1.0)]
    # weights 0.5^(0/14) = 1, 0.5^(14/14) = .5, 0.5^(28/14) = .25; total 1.75
    # weighted sum 1 × 1 + .5 × 0 + .25 × 1 = 1.25
    # with 2 pseudo-answers at .5: (2 × .5 + 1.25) / (2 + 1.75) = 2.25 / 3.75 = 0.6
    assert stats.mastery(answers, NOW) == {
        "estimate": pytest.approx(0.6),
        "answers": 3,
        "weight": pytest.approx(1.75),
    }


def test_one_right_answer_is_not_full_mastery():
    # (2 × .5 + 1) / (2 + 1) = 2 / 3
    assert stats.mastery([(NOW, 1.0)], NOW)["estimate"] == pytest.approx(2 / 3)


def test_mastery_without_answers_is_the_prior():
    assert stats.mastery([], NOW) == {"estimate": 0.5, "answers": 0, "weight": 0.0}


def test_mastery_of_old_answers_drifts_back_to_the_prior():
    recent = stats.mastery([(NOW, 1.0)] * 10, NOW)["estimate"]
    old = stats.mastery([(days_ago(90), 1.0)] * 10, NOW)["estimate"]
    assert 0.5 < old < recent


def test_mastery_follows_the_half_life_it_is_given():
    # one week with a 7-day half-life: weight .5; (1 + .5) / (2 + .5) = 0.6
    result = stats.mastery([(days_ago(7), 1.0)], NOW, half_life_days=7)
    assert result["weight"] == pytest.approx(0.5)
    assert result["estimate"] == pytest.approx(0.6)


def test_mastery_counts_an_answer_from_a_clock_ahead_as_new():
    assert stats.mastery([(NOW + timedelta(minutes=5), 1.0)], NOW)["weight"] == 1


def test_mastery_refuses_fractions_off_the_scale():
    with pytest.raises(ValueError):
        stats.mastery([(NOW, 1.5)], NOW)


# Readiness ----------------------------------------------------------------------------------


def test_readiness_from_one_paper_worked_by_hand():
    result = stats.readiness([(NOW, 80)], now=NOW)
    # prior N(60, 15²): precision 1/225; one paper today, weight 1: precision 1/64
    # posterior variance 1 / (1/225 + 1/64) = 225 × 64 / 289 = 14400 / 289 = 49.83
    # posterior mean (60/225 + 80/64) × 49.83 = (60 × 64 + 80 × 225) / 289 = 21840/289 = 75.57
    # next paper: sd sqrt(49.83 + 64) = 10.67
    # P(score >= 60) = 1 - Φ((59.5 - 75.57) / 10.67) = 1 - Φ(-1.506) = 0.934
    # posterior sd sqrt(49.83) = 7.06; 10th and 90th percentiles 75.57 ∓ 1.2816 × 7.06
    # = 66.52 and 84.62, with only the sitting noise left:
    # low = 1 - Φ((59.5 - 66.52) / 8) = Φ(0.878) = 0.810
    # high = 1 - Φ((59.5 - 84.62) / 8) = Φ(3.140) = 0.9992
    assert result == {
        "probability": pytest.approx(0.934, abs=5e-4),
        "low": pytest.approx(0.810, abs=5e-4),
        "high": pytest.approx(0.9992, abs=5e-4),
        "expected_score": pytest.approx(21840 / 289),
        "evidence": 1,
        "sentence_key": "likely_pass",
    }


def test_readiness_without_scores_says_there_is_no_data():
    assert stats.readiness([], now=NOW) == {
        "probability": None,
        "low": None,
        "high": None,
        "expected_score": None,
        "evidence": 0,
        "sentence_key": "no_data",
    }


def test_readiness_shrinks_little_evidence_towards_the_prior():
    one = stats.readiness([(NOW, 90)], now=NOW)["expected_score"]
    five = stats.readiness([(NOW, 90)] * 5, now=NOW)["expected_score"]
    assert 60 < one < five < 90


def test_readiness_counts_an_old_paper_for_less():
    # 14 days old: weight .5, precision .5/64 = 1/128
    # mean (60/225 + 80/128) / (1/225 + 1/128) = (60 × 128 + 80 × 225) / 353 = 72.75
    old = stats.readiness([(days_ago(14), 80)], now=NOW)
    assert old["expected_score"] == pytest.approx(25680 / 353)


def test_readiness_words_the_verdict_by_the_probability():
    assert stats.readiness([(NOW, 85)] * 3, now=NOW)["sentence_key"] == "likely_pass"
    assert stats.readiness([(NOW, 40)] * 3, now=NOW)["sentence_key"] == "likely_fail"
    assert stats.readiness([(NOW, 60)] * 3, now=NOW)["sentence_key"] == "borderline"


def test_readiness_uses_the_pass_mark_it_is_given():
    at_60 = stats.readiness([(NOW, 70)] * 3, now=NOW)["probability"]
    at_70 = stats.readiness([(NOW, 70)] * 3, now=NOW, pass_mark=70)["probability"]
    assert at_70 < at_60


def test_readiness_range_brackets_the_probability():
    for count in (1, 2, 5, 20):
        for score in range(0, 101, 5):
            result = stats.readiness([(NOW, score)] * count, now=NOW)
            assert 0 <= result["low"] <= result["probability"] <= result["high"] <= 1


def test_readiness_measures_ages_from_the_present_when_no_time_is_given():
    fresh = stats.readiness([(datetime.now(UTC), 80)])
    assert fresh["expected_score"] == pytest.approx(21840 / 289, abs=1e-3)


def test_readiness_refuses_scores_off_the_scale():
    with pytest.raises(ValueError):
        stats.readiness([(NOW, 120)], now=NOW)


def _sit_a_paper(rng, true_mean):
    # Papers are marked in whole points between 0 and 100.
    return min(100, max(0, round(rng.gauss(true_mean, 8))))


def test_readiness_probabilities_come_true_on_simulated_learners():
    # 20,000 learners with a known true mean score, uniform in 35..85, each sitting 1 to 6
    # practice papers (one a day, the last today) with noise sd 8, then the next paper.
    rng = random.Random(20261122)
    predicted, passed = [], []
    for _ in range(20_000):
        true_mean = rng.uniform(35, 85)
        sat = rng.randint(1, 6)
        scores = [(days_ago(sat - 1 - day), _sit_a_paper(rng, true_mean)) for day in range(sat)]
        predicted.append(stats.readiness(scores, now=NOW)["probability"])
        passed.append(_sit_a_paper(rng, true_mean) >= 60)

    deciles = [[] for _ in range(10)]
    for p, did_pass in zip(predicted, passed, strict=True):
        deciles[min(int(p * 10), 9)].append((p, did_pass))
    checked = 0
    for bucket in deciles:
        if len(bucket) < 200:  # too few learners for the observed rate to mean much
            continue
        mean_predicted = sum(p for p, _ in bucket) / len(bucket)
        observed = sum(did_pass for _, did_pass in bucket) / len(bucket)
        # Tolerance 0.06: a bucket of ~1,000 learners has a sampling sd of about 0.016, and the
        # normal prior does not quite match the uniform population; a model that is off by
        # more than 0.06 anywhere is telling learners something untrue.
        assert abs(observed - mean_predicted) <= 0.06, (mean_predicted, observed, len(bucket))
        checked += 1
    assert checked >= 8

    # Brier score: mean squared gap between prediction and outcome; the base rate is what a
    # model that knew nothing about the learner would say to everyone.
    base_rate = sum(passed) / len(passed)
    brier = sum((p - o) ** 2 for p, o in zip(predicted, passed, strict=True)) / len(passed)
    base_brier = sum((base_rate - o) ** 2 for o in passed) / len(passed)
    assert brier < base_brier


# Pass rate ----------------------------------------------------------------------------------


def test_pass_rate_of_8_out_of_10_has_a_wide_wilson_interval():
    # p = .8, n = 10, z = 1.96, z² = 3.8415
    # centre = (.8 + 3.8415 / 20) / (1 + 3.8415 / 10) = .99207 / 1.38415 = .71674
    # half width = 1.96 / 1.38415 × sqrt(.8 × .2 / 10 + 3.8415 / 400)
    #            = 1.41601 × sqrt(.016 + .0096036) = 1.41601 × .16001 = .22658
    # interval .71674 ∓ .22658 = (.4902, .9433)
    result = stats.pass_rate(8, 10)
    assert result == {
        "rate": 0.8,
        "low": pytest.approx(0.4902, abs=1e-4),
        "high": pytest.approx(0.9433, abs=1e-4),
        "passed": 8,
        "attempted": 10,
    }


def test_pass_rate_interval_narrows_with_more_candidates():
    small = stats.pass_rate(8, 10)
    large = stats.pass_rate(800, 1000)
    assert large["high"] - large["low"] < small["high"] - small["low"]


def test_pass_rate_intervals_stay_within_0_and_1():
    assert stats.pass_rate(10, 10)["high"] == 1
    assert stats.pass_rate(0, 5)["low"] == 0
    assert stats.pass_rate(0, 5)["high"] > 0  # nobody passing 5 does not prove nobody can


def test_pass_rate_of_nobody_is_unknown():
    assert stats.pass_rate(0, 0) == {
        "rate": None,
        "low": None,
        "high": None,
        "passed": 0,
        "attempted": 0,
    }


def test_pass_rate_refuses_more_passes_than_attempts():
    with pytest.raises(ValueError):
        stats.pass_rate(3, 2)
