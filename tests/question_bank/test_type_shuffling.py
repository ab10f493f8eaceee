from question_bank import types

SINGLE = {"options": ["甲", "乙", "丙", "丁"], "answer": 2}
MULTIPLE = {"options": ["甲", "乙", "丙", "丁"], "answers": [0, 3]}
ORDER = [2, 0, 3, 1]  # shown first: option 2 (丙), then 0, 3, 1


def test_a_shuffled_view_shows_the_options_in_the_papers_order():
    single = types.get_type("single_choice")
    view = single.shuffled_view(single.learner_view(SINGLE), ORDER)
    assert view["options"] == ["丙", "甲", "丁", "乙"]


def test_a_choice_on_shuffled_options_maps_back_and_scores_right():
    single = types.get_type("single_choice")
    response = single.unshuffled_response({"choice": 0}, ORDER)  # the learner picked 丙
    assert response == {"choice": 2}
    assert single.score(SINGLE, response).correct


def test_several_choices_map_back_too():
    multiple = types.get_type("multiple_choice")
    response = multiple.unshuffled_response({"choices": [1, 2]}, ORDER)  # 甲 and 丁
    assert sorted(response["choices"]) == [0, 3]
    assert multiple.score(multiple.validate_payload(MULTIPLE), response).correct


def test_an_index_that_is_no_option_is_left_for_validation_to_refuse():
    single = types.get_type("single_choice")
    assert single.unshuffled_response({"choice": 9}, ORDER) == {"choice": 9}


def test_types_without_options_are_never_shuffled():
    true_false = types.get_type("true_false")
    assert true_false.option_count({"answer": True}) == 0
    assert true_false.unshuffled_response({"answer": True}, [1, 0]) == {"answer": True}
