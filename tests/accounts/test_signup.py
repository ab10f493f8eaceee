from accounts.models import Role, User
from tests.base import PASSWORD


def _signup(client, **overrides):
    data = {
        "username": "newbie",
        "full_name": "Xu Jing",
        "email": "xu@example.com",
        "target_level": 4,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "join_code": "",
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def test_a_learner_signs_up_with_a_join_code_and_lands_in_the_cohort(cast, client):
    response = _signup(client, join_code=" pujiang1 ")
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.role == Role.LEARNER
    assert user.center == cast.center
    assert list(user.cohorts.all()) == [cast.cohort]
    cast.join_code.refresh_from_db()
    assert cast.join_code.uses == 1


def test_it_signs_up_without_a_center(db, client):
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.center is None
    assert user.role == Role.LEARNER


def test_it_explains_a_wrong_join_code_and_saves_nothing(cast, client):
    response = _signup(client, join_code="NOPE1234")
    assert response.status_code == 200
    assert "join code is not valid" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_it_refuses_a_deactivated_join_code(cast, client):
    cast.join_code.is_active = False
    cast.join_code.save()
    response = _signup(client, join_code="PUJIANG1")
    assert response.status_code == 200
    assert not User.objects.filter(username="newbie").exists()


def test_nobody_can_sign_up_as_staff(db, client):
    _signup(client, role=Role.CENTER_ADMIN)
    assert User.objects.get(username="newbie").role == Role.LEARNER


def test_passwords_are_hashed_with_argon2(db, client):
    _signup(client)
    assert User.objects.get(username="newbie").password.startswith("argon2")
