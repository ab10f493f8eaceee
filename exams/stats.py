"""Statistics for instructors and learners: item analysis, reliability, mastery, readiness.

Everything here is pure: plain lists, dicts and datetimes in, numbers and dicts out, no
queries. The views gather the rows and the templates word the results, so this module holds no
translated text: where a sentence is needed it returns a key ("likely_pass") for the template.

A statistic that cannot be computed (no candidates, no spread) is None rather than 0, so that a
page shows "—" instead of a number that looks like a finding. docs/statistics.md has the
formulas and what they mean for an instructor.
"""

import math
from datetime import UTC, datetime
from statistics import NormalDist

# Item flags: the usual classical-test-theory rules of thumb.
LOW_DISCRIMINATION = 0.2  # below this an item hardly separates strong from weak candidates
TOO_HARD = 0.2  # facility below this: fewer than one candidate in five gets it right
TOO_EASY = 0.95  # facility above this: the item tells almost nobody apart
FEW_ANSWERS = 30  # below this the figures above are mostly noise

UPPER_LOWER_FRACTION = 0.27  # Kelley's 27%: the groups are large yet still far apart

# Mastery: two pseudo-answers at 50% so that one right answer gives 67%, not 100%.
HALF_LIFE_DAYS = 14
PRIOR_ANSWERS = 2
PRIOR_FRACTION = 0.5

# Readiness: the normal model of docs/statistics.md.
PASS_MARK = 60
# The prior is centred on the pass mark, so that with little evidence the model leans neither
# way. A prior at 50 pulled every learner down: in the calibration test it under-predicted
# passes by about 0.05 in every decile from 0.4 to 0.9, and by more than the test's 0.06 in
# seven of eight random seeds tried.
PRIOR_MEAN = 60
PRIOR_SD = 15
SITTING_SD = 8  # how much one learner's score moves from one paper to the next
# Papers are marked in whole points: "60 or more" is "more than 59.5" on a continuous scale.
CONTINUITY = 0.5
LIKELY_PASS = 0.75  # probability from which the page says "likely to pass"
LIKELY_FAIL = 0.25  # probability below which it says "likely to fail"

WILSON_Z = NormalDist().inv_cdf(0.975)  # 1.959964: a 95% interval

_NORMAL = NormalDist()
_Z90 = _NORMAL.inv_cdf(0.9)  # 1.281552: the 10th and 90th percentiles are mean ∓ this many sd


# Item analysis -------------------------------------------------------------------------------


def facility(scores):
    """Mean item score, 0..1: the share of candidates who got a 0/1 item right."""
    if not scores:
        return None
    return math.fsum(scores) / len(scores)


def point_biserial(item_scores, totals, corrected=True, *, item_points=1):
    """Correlation between the item score and the candidates' totals, -1..1.

    Corrected, the item's own points (item score × item_points) are taken out of each total
    first, so the item is compared with the rest of the paper and not with itself. Pass
    item_points when the totals are not simply a count of right answers (a 190-item paper
    marked out of 100).
    """
    _check_same_length(item_scores, totals)
    if corrected:
        totals = [t - s * item_points for s, t in zip(item_scores, totals, strict=True)]
    return _correlation(item_scores, totals)


def upper_lower_discrimination(item_scores, totals, fraction=UPPER_LOWER_FRACTION):
    """Mean item score of the top group by total minus that of the bottom group, -1..1.

    Each group holds round(fraction × n) candidates (half-up, at least one). Candidates are
    sorted by total, lowest first, ties kept in input order; the bottom group is the start of
    that order and the top group its end. Ties at a cut are thus decided by input order, so the
    same data always gives the same figure.
    """
    _check_same_length(item_scores, totals)
    if not 0 < fraction <= 0.5:
        raise ValueError("fraction must be in (0, 0.5]")
    n = len(item_scores)
    if n < 2:
        return None
    size = max(1, math.floor(fraction * n + 0.5))
    order = sorted(range(n), key=lambda i: totals[i])  # sorted() is stable
    bottom = [item_scores[i] for i in order[:size]]
    top = [item_scores[i] for i in order[-size:]]
    return facility(top) - facility(bottom)


def distractor_frequencies(choices, options_count):
    """How often each option was chosen, and how often the item was left unanswered.

    A choice is an option index (0-based), None for no answer, or a collection of indexes for a
    multiple-answer item (an empty one is no answer). Shares are per candidate, so for
    multiple-answer items the option shares can add up to more than 1.

    Returns {"candidates": n, "options": [{"count", "share"}, ...] one per option,
    "no_answer": {"count", "share"}}; shares are None when there are no candidates.
    """
    counts = [0] * options_count
    no_answer = 0
    for choice in choices:
        chosen = [] if choice is None else [choice] if isinstance(choice, int) else choice
        if not chosen:
            no_answer += 1
        for option in chosen:
            if not 0 <= option < options_count:
                raise ValueError(f"option {option} is outside 0..{options_count - 1}")
            counts[option] += 1
    n = len(choices)

    def entry(count):
        return {"count": count, "share": count / n if n else None}

    return {
        "candidates": n,
        "options": [entry(count) for count in counts],
        "no_answer": entry(no_answer),
    }


def item_flags(facility, discrimination, answers):
    """Flag codes for an item, worst first; a statistic that is None raises no flag.

    A negative discrimination is flagged only as "negative_discrimination": it is the stronger
    form of "low_discrimination" and showing both would say the same thing twice.
    """
    flags = []
    if discrimination is not None:
        if discrimination < 0:
            flags.append("negative_discrimination")
        elif discrimination < LOW_DISCRIMINATION:
            flags.append("low_discrimination")
    if facility is not None:
        if facility < TOO_HARD:
            flags.append("too_hard")
        elif facility > TOO_EASY:
            flags.append("too_easy")
    # Few answers qualify the flags above rather than replacing them: the instructor still
    # sees what the data say so far.
    if answers < FEW_ANSWERS:
        flags.append("few_answers")
    return flags


# Reliability of a form ----------------------------------------------------------------------


def kr20(matrix):
    """Kuder-Richardson 20 for a candidates × items matrix of 0/1 scores.

    This is Cronbach's alpha for 0/1 items: the variance of a 0/1 item is p(1 - p) with the
    population definition (divide by n), and n/(n - 1) × p(1 - p) with the sample one. The
    textbook formula mixes p(1 - p) with the sample variance of the totals and comes out
    higher than alpha; we use the sample variance (divide by n - 1) for items and totals alike,
    as cronbach_alpha does, and the two agree exactly.
    """
    rows = _check_rectangular(matrix)
    if any(score not in (0, 1) for row in rows for score in row):
        raise ValueError("KR-20 needs 0/1 item scores; use cronbach_alpha for others")
    n = len(rows)
    if n < 2 or len(rows[0]) < 2:
        return None
    item_variances = []
    for column in zip(*rows, strict=True):
        p = sum(column) / n
        item_variances.append(p * (1 - p) * n / (n - 1))
    return _alpha_from_variances(item_variances, [sum(row) for row in rows])


def cronbach_alpha(matrix):
    """Cronbach's alpha for a candidates × items matrix of item scores (any scale).

    alpha = k / (k - 1) × (1 - sum of item variances / variance of totals), with sample
    variances (n - 1). None with fewer than 2 items or candidates, or when every candidate has
    the same total.
    """
    rows = _check_rectangular(matrix)
    if len(rows) < 2 or len(rows[0]) < 2:
        return None
    item_variances = [_sample_variance(column) for column in zip(*rows, strict=True)]
    return _alpha_from_variances(item_variances, [math.fsum(row) for row in rows])


def score_distribution(totals, bin_width=10, maximum=100):
    """Counts of totals per bin [0, 10), [10, 20), ... [90, 100]: the last bin takes the maximum.

    Returns [{"low": 0, "high": 10, "count": n}, ...], lowest bin first.
    """
    bins = math.ceil(maximum / bin_width)
    counts = [0] * bins
    for total in totals:
        if not 0 <= total <= maximum:
            raise ValueError(f"total {total} is outside 0..{maximum}")
        # A full mark would open a bin of its own; it belongs to the top one.
        counts[min(int(total // bin_width), bins - 1)] += 1
    return [
        {"low": i * bin_width, "high": min((i + 1) * bin_width, maximum), "count": count}
        for i, count in enumerate(counts)
    ]


# Mastery and readiness ----------------------------------------------------------------------


def mastery(answers, now, half_life_days=HALF_LIFE_DAYS):
    """How well a learner knows a topic, from their (when, fraction 0..1) answers, or
    (when, mean fraction, number of answers) for answers grouped by day.

    A time-weighted mean: an answer half_life_days old counts half as much as one given now.
    PRIOR_ANSWERS pseudo-answers at PRIOR_FRACTION are added and do not fade, so a single
    answer moves the estimate only part of the way, and a topic left alone drifts back
    towards "unknown" as its answers age.

    Returns {"estimate": 0..1, "answers": n, "weight": total weight of the real answers}.
    """
    weight = 0.0
    weighted_sum = 0.0
    count = 0
    for when, fraction, *times in answers:
        # (when, mean fraction, n) stands for n answers at that moment: a day's answers
        # summed in the database weigh the same as the answers one by one.
        n = times[0] if times else 1
        if not 0 <= fraction <= 1:
            raise ValueError(f"fraction {fraction} is outside 0..1")
        w = _decay(when, now, half_life_days) * n
        weight += w
        weighted_sum += w * fraction
        count += n
    estimate = (PRIOR_ANSWERS * PRIOR_FRACTION + weighted_sum) / (PRIOR_ANSWERS + weight)
    return {"estimate": estimate, "answers": count, "weight": weight}


def readiness(
    recent_scores,
    *,
    pass_mark=PASS_MARK,
    now=None,
    half_life_days=HALF_LIFE_DAYS,
    prior_mean=PRIOR_MEAN,
    prior_sd=PRIOR_SD,
    sitting_sd=SITTING_SD,
):
    """The chance of scoring pass_mark or more on the next paper, from (when, score 0..100).

    The learner's expected score has a normal prior N(prior_mean, prior_sd²); each recent
    score is a measurement of it with noise sitting_sd, counted with the mastery time decay
    (weight w: it is worth w of a paper sat today). The next paper's score is then
    N(posterior mean, posterior variance + sitting_sd²).

    Returns {"probability", "low", "high", "expected_score", "evidence": n, "sentence_key"};
    low and high are the chances if the expected score were at the 10th or the 90th
    percentile of its posterior. With no scores the numbers are None and the key is "no_data".
    """
    if not recent_scores:
        return {
            "probability": None,
            "low": None,
            "high": None,
            "expected_score": None,
            "evidence": 0,
            "sentence_key": "no_data",
        }
    now = now or datetime.now(UTC)
    # Precisions (1 / variance) add up: the prior's, plus w / sitting_sd² per weighted paper.
    precision = 1 / prior_sd**2
    weighted_sum = prior_mean / prior_sd**2
    for when, score in recent_scores:
        if not 0 <= score <= 100:
            raise ValueError(f"score {score} is outside 0..100")
        w = _decay(when, now, half_life_days)
        precision += w / sitting_sd**2
        weighted_sum += w * score / sitting_sd**2
    mean = weighted_sum / precision
    posterior_sd = math.sqrt(1 / precision)
    threshold = pass_mark - CONTINUITY

    probability = _chance_above(threshold, mean, math.hypot(posterior_sd, sitting_sd))
    low = _chance_above(threshold, mean - _Z90 * posterior_sd, sitting_sd)
    high = _chance_above(threshold, mean + _Z90 * posterior_sd, sitting_sd)
    if probability >= LIKELY_PASS:
        sentence_key = "likely_pass"
    elif probability < LIKELY_FAIL:
        sentence_key = "likely_fail"
    else:
        sentence_key = "borderline"
    return {
        "probability": probability,
        # The average chance can stray outside the 10-90 band by up to 0.00004 where the
        # chance is all but 0 or 1; clamping keeps low <= probability <= high on the page.
        "low": min(low, probability),
        "high": max(high, probability),
        "expected_score": mean,
        "evidence": len(recent_scores),
        "sentence_key": sentence_key,
    }


def pass_rate(passed, attempted):
    """Share who passed, with a Wilson 95% interval that stays honest for small counts.

    Returns {"rate", "low", "high", "passed", "attempted"}; rate and interval are None when
    nobody attempted.
    """
    if not 0 <= passed <= attempted:
        raise ValueError("passed must be between 0 and attempted")
    if attempted == 0:
        return {"rate": None, "low": None, "high": None, "passed": 0, "attempted": 0}
    n = attempted
    p = passed / n
    z2 = WILSON_Z**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half_width = WILSON_Z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return {
        "rate": p,
        # Rounding can push a bound a hair past 0 or 1 when everybody or nobody passed.
        "low": max(0.0, centre - half_width),
        "high": min(1.0, centre + half_width),
        "passed": passed,
        "attempted": attempted,
    }


# Helpers ------------------------------------------------------------------------------------


def _check_same_length(item_scores, totals):
    if len(item_scores) != len(totals):
        raise ValueError("item_scores and totals must have one entry per candidate")


def _check_rectangular(matrix):
    rows = [list(row) for row in matrix]
    if any(len(row) != len(rows[0]) for row in rows):
        raise ValueError("every candidate needs a score for every item")
    return rows


def _sample_variance(values):
    mean = math.fsum(values) / len(values)
    return math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)


def _correlation(xs, ys):
    """Pearson correlation; None with fewer than 2 values or when either has no spread."""
    # Comparing extremes rather than testing the variance for 0: a mean of equal floats can be
    # off in the last bit and leave a variance of 1e-33 that is not really there.
    if len(xs) < 2 or min(xs) == max(xs) or min(ys) == max(ys):
        return None
    mean_x = math.fsum(xs) / len(xs)
    mean_y = math.fsum(ys) / len(ys)
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    covariance = math.fsum(a * b for a, b in zip(dx, dy, strict=True))
    spread = math.sqrt(math.fsum(a * a for a in dx) * math.fsum(b * b for b in dy))
    return covariance / spread


def _alpha_from_variances(item_variances, totals):
    if min(totals) == max(totals):
        return None
    k = len(item_variances)
    return k / (k - 1) * (1 - math.fsum(item_variances) / _sample_variance(totals))


def _decay(when, now, half_life_days):
    # An answer stamped a little in the future (clock skew between devices) counts as new.
    age_days = max(0.0, (now - when).total_seconds() / 86400)
    return 0.5 ** (age_days / half_life_days)


def _chance_above(threshold, mean, sd):
    return 1 - _NORMAL.cdf((threshold - mean) / sd)
