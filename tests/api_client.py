"""A script's view of the API: JSON in and out, with an account's token when it has one."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def api_client(user=None):
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def body(response):
    """The whole body of a response, streamed or not, as text."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()
