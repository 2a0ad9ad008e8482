"""Tokens for applications: username and password in, an expiring token out."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import StrictCharField
from api.throttles import (
    AnonRateThrottle,
    AuthFailureThrottle,
    LoginAddressThrottle,
    LoginUsernameThrottle,
    UserRateThrottle,
)
from core.roles import is_researcher, is_reviewer


class TokenRequestSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150, help_text="Your username.")
    password = StrictCharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}, help_text="Your password."
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`. Shown only once.")
    expiry = serializers.DateTimeField(allow_null=True, help_text="When the token stops working.")
    username = serializers.CharField(help_text="Whose token this is.")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Your username.")
    is_researcher = serializers.BooleanField(help_text="May create and edit records.")
    is_reviewer = serializers.BooleanField(help_text="May give and reopen verdicts and delete records.")
    is_superuser = serializers.BooleanField(help_text="May do everything.")


class TokenView(APIView):
    """``POST`` a username and password to get a token; ``DELETE`` with a token revokes it."""

    page_titles = "Your API token"

    permission_classes = [permissions.AllowAny]
    # Password attempts are limited far more strictly than other requests.
    throttle_classes = [UserRateThrottle, AnonRateThrottle, LoginAddressThrottle, LoginUsernameThrottle]
    serializer_class = TokenRequestSerializer
    # Signing in needs no credentials; revoking needs the token (401 without it). A body that is
    # not JSON, a form or multipart, or cannot be read as its Content-Type says, is a 415.
    error_codes = {"POST": ("400", "415"), "DELETE": ("401",)}

    @extend_schema(
        summary="Get an API token",
        description="Send your username and password; the answer's token goes in the "
        "`Authorization: Token <key>` header of every later request. Tokens expire after "
        "`TOKEN_TTL_HOURS` (30 days by default). Password attempts are limited per address and per "
        "username.",
        request=TokenRequestSerializer,
        responses={201: TokenSerializer},
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # An address over its refused sign-ins is refused before the password is checked.
        wait = AuthFailureThrottle().wait_if_over(request)
        if wait is not None:
            raise Throttled(wait)
        user = authenticate(
            request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            wait = AuthFailureThrottle().count(request)
            if wait is not None:
                raise Throttled(wait)
            return Response(
                {
                    "status": 400,
                    "code": "invalid_credentials",
                    "detail": "Unable to sign in with these credentials.",
                    "errors": [
                        {
                            "field": "password",
                            "code": "invalid_credentials",
                            "message": "Wrong username or password.",
                        }
                    ],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        instance, token = AuthToken.objects.create(user)
        body = {"token": token, "expiry": instance.expiry, "username": user.get_username()}
        return Response(TokenSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revoke the token used for this request",
        description="Signs this token out; your other tokens keep working.",
        request=None,
        responses={204: None},
    )
    def delete(self, request):
        if not request.user.is_authenticated:
            return Response(
                {
                    "status": 401,
                    "code": "not_authenticated",
                    "detail": "Send the token to revoke.",
                    "errors": [],
                },
                status=status.HTTP_401_UNAUTHORIZED,
            )
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class AllTokensView(APIView):
    """``DELETE`` revokes every token of the signed-in user: signing out everywhere."""

    page_titles = "Sign out everywhere"

    permission_classes = [permissions.IsAuthenticated]
    error_codes = ("401", "403")  # 403: a session request without its CSRF token

    @extend_schema(
        summary="Revoke all your tokens (sign out everywhere)",
        description="Every token of the signed-in user stops working at once.",
        request=None,
        responses={204: None},
    )
    def delete(self, request):
        AuthToken.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    page_titles = "You and what you may do"
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Who am I, and what may I do",
        description="The signed-in user's username and roles: researchers record and edit articles, "
        "claims and citations; reviewers also give verdicts and use the trash.",
        responses={200: MeSerializer},
    )
    def get(self, request):
        user = request.user
        body = {
            "username": user.get_username(),
            "is_researcher": is_researcher(user),
            "is_reviewer": is_reviewer(user),
            "is_superuser": user.is_superuser,
        }
        return Response(MeSerializer(body).data)
