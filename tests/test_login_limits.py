"""Guessing passwords: after five failures for one username from one address, that
pair is refused for a while, on the admin's login form and the token endpoint alike."""

import pytest
from rest_framework.test import APIClient

from .conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def analyst_account(groups, django_user_model):
    return make_user(django_user_model, "analyst", groups["Analyst"])


def admin_login(client, password):
    return client.post(LOGIN, {"username": "analyst", "password": password})


def token_request(password, address="192.0.2.1"):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/token/", {"username": "analyst", "password": password}, format="json"
    )


def test_a_script_gets_its_accounts_token_with_username_and_password(analyst_account):
    response = token_request(PASSWORD)

    assert response.status_code == 200
    assert response.json()["token"] == analyst_account.auth_token.key


def test_a_wrong_password_is_a_400_that_says_so(analyst_account):
    response = token_request("guess")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}


def test_after_five_failures_at_the_admin_login_even_the_right_password_is_refused(
    client, analyst_account
):
    for _ in range(4):
        assert admin_login(client, "guess").status_code == 200  # the form again, with its error
    assert admin_login(client, "guess").status_code == 429

    locked = admin_login(client, PASSWORD)

    assert locked.status_code == 429
    assert "5 logins as “analyst” failed from your address" in locked.content.decode()
    assert locked["Retry-After"] == str(15 * 60)
    assert "_auth_user_id" not in client.session


def test_the_token_endpoint_counts_toward_the_same_lockout_and_says_when_to_retry(
    client, analyst_account
):
    for _ in range(5):
        token_request("guess", address="127.0.0.1")

    refused = token_request(PASSWORD, address="127.0.0.1")
    assert refused.status_code == 429
    assert refused.json()["detail"] == (
        "Too many failed logins for this username from your address: try again in 15 minutes."
    )
    assert int(refused["Retry-After"]) == 15 * 60
    assert admin_login(client, PASSWORD).status_code == 429


def test_a_lockout_holds_one_address_and_a_success_clears_the_count(analyst_account):
    for _ in range(4):
        token_request("guess")
    assert token_request(PASSWORD).status_code == 200
    for _ in range(4):
        token_request("guess")
    assert token_request(PASSWORD).status_code == 200

    for _ in range(5):
        token_request("guess")
    assert token_request(PASSWORD).status_code == 429
    assert token_request(PASSWORD, address="198.51.100.7").status_code == 200


def test_a_username_longer_than_any_account_has_is_a_400(analyst_account):
    response = APIClient().post(
        "/api/v1/token/", {"username": "a" * 151, "password": "guess"}, format="json"
    )

    assert response.status_code == 400
    assert "username" in response.json()
