"""POST /api/v1/token/: a script logs in with an account's username and password and
gets the account's API token. Failed attempts count toward the same lockout as the
admin's login form (django-axes, answered by operations.logins.locked_out)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

USERNAME_LENGTH = get_user_model()._meta.get_field("username").max_length


class LoginSerializer(AuthTokenSerializer):
    # No account has a longer name, and the record of failed logins keeps the name tried.
    username = serializers.CharField(max_length=USERNAME_LENGTH, write_only=True)


class TokenView(ObtainAuthToken):
    serializer_class = LoginSerializer

    def get_serializer_context(self):
        # The lockout reads the client's address, and marks a refusal, on Django's request.
        return {**super().get_serializer_context(), "request": self.request._request}

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        # A login like the admin's: it clears the failure count and sets last_login.
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
